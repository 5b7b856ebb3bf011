using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// A first-come, first-served queue of processes on a file, held until disposed: whoever enters takes the next
/// ticket and waits until every ticket before it has left, so no one waits behind more than the others that entered
/// before it. <c>flock(2)</c> alone is not fair: a holder that releases and asks again at once usually
/// wins before the waiters the kernel woke get to run, so one writer could wait behind dozens of appends.
/// </summary>
/// <remarks>
/// Built from open file description locks (Linux only): bytes 0 to 7 of the file hold the next ticket, guarded by a
/// lock on byte 0 for the few microseconds it takes to read and bump it; ticket <c>n</c> is a lock on byte
/// <c>2^32 + n</c>, taken while the counter is guarded and held until the holder leaves. A waiter then locks the
/// whole range of the tickets before its own, which the kernel grants once none of them is held any more (each left,
/// gave up, or died: the kernel drops a dead process's locks), and lets it go again. The queue only orders; the
/// caller's own lock still excludes. The counter is not fsynced: after a reboot no ticket is held, and any number is
/// as good as another.
/// </remarks>
internal sealed class TicketQueue : IDisposable
{
    private const long TicketBase = 1L << 32;

    private int _fd;

    private TicketQueue(int fd, long ticket, bool created)
    {
        _fd = fd;
        Ticket = ticket;
        Created = created;
    }

    /// <summary>This entry's place: the number of entries before it since the file was created.</summary>
    public long Ticket { get; }

    /// <summary>Whether this entry created the queue file (so its owner may need handing over).</summary>
    public bool Created { get; }

    /// <summary>Takes a ticket and waits for the entries before it to leave, for at most <paramref name="timeout"/>.</summary>
    public static async ValueTask<TicketQueue> EnterAsync(string path, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        cancellationToken.ThrowIfCancellationRequested();
        var started = time.GetTimestamp();
        var (fd, created) = FileLock.OpenOrCreate(path);
        long ticket;
        try
        {
            await LockAsync(fd, 0, 1, path, "the ticket counter", timeout, time, cancellationToken);
            ticket = TakeTicket(fd, path);
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }

        if (ticket > 0)
        {
            var left = timeout - time.GetElapsedTime(started);
            try
            {
                await LockAsync(fd, TicketBase, ticket, path, $"the {ticket} ticket(s) before {ticket} to leave", left, time, cancellationToken);
                var earlier = new FileLockRange(Libc.Unlock, TicketBase, ticket);
                _ = Libc.FileControlLock(fd, Libc.OfdSetLock, ref earlier);
            }
            catch
            {
                _ = Libc.Close(fd);
                throw;
            }
        }

        return new TicketQueue(fd, ticket, created);
    }

    /// <summary>How many tickets were taken from the queue at <paramref name="path"/> (0 when it does not exist).</summary>
    public static long TicketsTaken(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> counter = stackalloc byte[sizeof(long)];
        return RandomAccess.Read(handle, counter, 0) == sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(counter) : 0;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // Closing the only descriptor of this open drops its ticket: the next waiter goes on.
            _ = Libc.Close(fd);
        }
    }

    // The caller holds the counter's lock; this takes the ticket's own lock before letting the counter go.
    private static long TakeTicket(int fd, string path)
    {
        using var handle = new SafeFileHandle(fd, ownsHandle: false);
        Span<byte> counter = stackalloc byte[sizeof(long)];
        var ticket = RandomAccess.Read(handle, counter, 0) == sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(counter) : 0;
        if (ticket is < 0 or >= long.MaxValue - TicketBase)
        {
            // Not a counter this code wrote; start again rather than lock past the end of what off_t can name.
            ticket = 0;
        }

        BinaryPrimitives.WriteInt64LittleEndian(counter, ticket + 1);
        RandomAccess.Write(handle, counter, 0);
        var own = new FileLockRange(Libc.WriteLock, TicketBase + ticket, 1);
        var errno = Libc.FileControlLock(fd, Libc.OfdSetLock, ref own) == 0 ? 0 : Marshal.GetLastPInvokeError();
        var guard = new FileLockRange(Libc.Unlock, 0, 1);
        _ = Libc.FileControlLock(fd, Libc.OfdSetLock, ref guard);
        return errno == 0 ? ticket : throw new IOException($"Could not hold ticket {ticket} of {path}: {Libc.Describe(errno)}.");
    }

    private static async ValueTask LockAsync(int fd, long offset, long length, string path, string what, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var errno = RangeLock(fd, offset, length, Libc.OfdSetLock);
        if (errno == 0)
        {
            return;
        }

        if (errno != Libc.WouldBlock && errno != Libc.PermissionDenied)
        {
            throw new IOException($"Could not lock {what} in {path}: {Libc.Describe(errno)}.");
        }

        // The descriptor is shared with the abandoned wait, which closes it; this caller must not close it again.
        var waitFd = Dup(fd, path);
        var wait = new BlockingLockWait(waitFd, () => RangeLock(waitFd, offset, length, Libc.OfdSetLockWait));
        try
        {
            errno = await wait.Completion.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            wait.Abandon();
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new TimeoutException(
                $"Timed out after {timeout.TotalSeconds:0.0} s waiting for {what} in {path}: "
                + "another process has held it all that time (a hung or stopped blacksmith process of this job?).", ex);
        }

        _ = Libc.Close(waitFd);
        if (errno != 0)
        {
            throw new IOException($"Could not lock {what} in {path}: {Libc.Describe(errno)}.");
        }
    }

    private static int RangeLock(int fd, long offset, long length, int command)
    {
        var range = new FileLockRange(Libc.WriteLock, offset, length);
        while (true)
        {
            if (Libc.FileControlLock(fd, command, ref range) == 0)
            {
                return 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.Interrupted)
            {
                return errno;
            }
        }
    }

    private static int Dup(int fd, string path)
    {
        var copy = Libc.Duplicate(fd);
        return copy >= 0 ? copy : throw new IOException($"Could not wait on {path}: dup failed with {Libc.Describe(Marshal.GetLastPInvokeError())}.");
    }
}
