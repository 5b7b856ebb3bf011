using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// An advisory <c>flock(2)</c> on a lock file, held until disposed (closing the descriptor releases it, also when the
/// process dies). Each acquisition opens its own descriptor, so two holders in one process exclude each other too.
/// </summary>
internal sealed class FileLock : IDisposable
{
    // The first retries come quickly because an append holds the lock for about one fsync; later ones back off so
    // that waiters do not steal CPU from the holder.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMicroseconds(50);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(4);

    private int _fd;

    private FileLock(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Whether this acquisition created the lock file (so its owner may need handing over).</summary>
    public bool Created { get; private init; }

    /// <summary>
    /// Takes the lock. Uncontended, that is one non-blocking call. Contended, a dedicated thread blocks in flock so the
    /// kernel hands the lock over the moment it is free (polling let a releasing writer win again and again, which
    /// made the tail latency of eight writers seconds long); the caller waits for that thread with
    /// <paramref name="timeout"/> and <paramref name="cancellationToken"/>, and a wait given up on releases the lock
    /// as soon as the abandoned thread gets it.
    /// </summary>
    public static async ValueTask<FileLock> AcquireAsync(
        string path,
        bool exclusive,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (fd, created) = OpenOrCreate(path);
        var operation = exclusive ? Libc.LockExclusive : Libc.LockShared;
        int errno;
        try
        {
            errno = Lock(fd, operation | Libc.LockNonBlocking);
            if (errno == 0)
            {
                return new FileLock(fd, path) { Created = created };
            }

            if (errno != Libc.WouldBlock)
            {
                throw new IOException($"Could not lock {path}: flock failed with {Libc.Describe(errno)}.");
            }
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }

        var wait = new BlockingLockWait(fd, () => Lock(fd, operation));
        try
        {
            errno = await wait.Completion.WaitAsync(timeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            wait.Abandon();
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new TimeoutException(
                $"Timed out after {timeout.TotalSeconds:0.0} s waiting for the {(exclusive ? "exclusive" : "shared")} lock on {path}: "
                + "another process has held it all that time (a hung or stopped blacksmith process of this job?).", ex);
        }

        if (errno != 0)
        {
            _ = Libc.Close(fd);
            throw new IOException($"Could not lock {path}: flock failed with {Libc.Describe(errno)}.");
        }

        return new FileLock(fd, path) { Created = created };
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>Opens the lock file at <paramref name="path"/>, creating it 0600 if need be; says whether it created it.</summary>
    internal static (int Fd, bool Created) OpenOrCreate(string path)
    {
        const uint privateMode = 0b110_000_000; // 0600
        while (true)
        {
            var fd = Libc.Open(path, Libc.ReadWrite | Libc.Create | Libc.Exclusive | Libc.CloseOnExec, privateMode);
            if (fd >= 0)
            {
                _ = Libc.FileModeChange(fd, privateMode);
                return (fd, true);
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.Interrupted)
            {
                continue;
            }

            if (errno != Libc.AlreadyExists)
            {
                throw new IOException($"Could not create the lock file {path}: {Libc.Describe(errno)}.");
            }

            fd = Libc.Open(path, Libc.ReadWrite | Libc.CloseOnExec, 0);
            if (fd >= 0)
            {
                return (fd, false);
            }

            errno = Marshal.GetLastPInvokeError();
            // Deleted between the two opens: create it again.
            if (errno != Libc.NoSuchFile && errno != Libc.Interrupted)
            {
                throw new IOException($"Could not open the lock file {path}: {Libc.Describe(errno)}.");
            }
        }
    }

    private static int Lock(int fd, int operation)
    {
        while (true)
        {
            if (Libc.Flock(fd, operation) == 0)
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
}
