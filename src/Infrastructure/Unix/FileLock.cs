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
    /// Takes the lock, polling without blocking so that <paramref name="cancellationToken"/> and
    /// <paramref name="timeout"/> are honoured (a blocking flock cannot be interrupted).
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
        try
        {
            var operation = (exclusive ? Libc.LockExclusive : Libc.LockShared) | Libc.LockNonBlocking;
            var started = time.GetTimestamp();
            var backoff = FirstBackoff;
            while (true)
            {
                if (Libc.Flock(fd, operation) == 0)
                {
                    return new FileLock(fd, path) { Created = created };
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.Interrupted)
                {
                    continue;
                }

                if (errno != Libc.WouldBlock)
                {
                    throw new IOException($"Could not lock {path}: flock failed with {Libc.Describe(errno)}.");
                }

                var waited = time.GetElapsedTime(started);
                if (waited >= timeout)
                {
                    throw new TimeoutException(
                        $"Timed out after {waited.TotalSeconds:0.0} s waiting for the {(exclusive ? "exclusive" : "shared")} lock on {path}: "
                        + "another process has held it all that time (a hung or stopped blacksmith process of this job?).");
                }

                await PauseAsync(Jitter(backoff), time, cancellationToken);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
        }
    }

    private static (int Fd, bool Created) OpenOrCreate(string path)
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

    // Jitter keeps waiters that started together from retrying in lockstep.
    private static TimeSpan Jitter(TimeSpan backoff) => backoff * (0.5 + Random.Shared.NextDouble());

    private static async ValueTask PauseAsync(TimeSpan pause, TimeProvider time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (pause < TimeSpan.FromMilliseconds(1) && time == TimeProvider.System)
        {
            // Timers tick in whole milliseconds; a sub-millisecond pause has to block the thread briefly instead.
            _ = Libc.MicroSleep((uint)Math.Max(1, pause.TotalMicroseconds));
            return;
        }

        await Task.Delay(pause, time, cancellationToken);
    }
}
