using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Who is doing a step of an exposure right now. Each store instance holds an exclusive <c>flock(2)</c> on its own
/// <c>owners/&lt;id&gt;.lock</c> for its whole life; the kernel drops the lock when the process dies, however it dies.
/// A record that names an owner whose lock can be taken was left half-done by a store that is gone. Unlike a pid, a
/// lock cannot be mistaken for an unrelated process that reused the number, and it needs no clock.
/// </summary>
internal sealed class OwnerLock : IDisposable
{
    private const uint PrivateMode = 0b110_000_000; // 0600

    private readonly string _path;
    private int _fd;

    private OwnerLock(string id, string path, int fd)
    {
        Id = id;
        _path = path;
        _fd = fd;
    }

    /// <summary>This owner's id: the pid (for people reading records) and a random part (pids are reused).</summary>
    public string Id { get; }

    /// <summary>Creates and locks a new owner file in <paramref name="owners"/>.</summary>
    public static OwnerLock Take(string owners)
    {
        while (true)
        {
            var id = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}";
            var path = Path.Combine(owners, id + ".lock");
            var fd = Libc.Open(path, Libc.ReadWrite | Libc.Create | Libc.Exclusive | Libc.CloseOnExec, PrivateMode);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.AlreadyExists || errno == Libc.Interrupted)
                {
                    continue;
                }

                throw new IOException($"could not create the owner lock {path}: {Libc.Describe(errno)}", errno);
            }

            if (Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) is var error and not 0)
            {
                _ = Libc.Close(fd);
                throw new IOException($"could not lock the new owner lock {path}: {Libc.Describe(error)}", error);
            }

            return new OwnerLock(id, path, fd);
        }
    }

    /// <summary>
    /// Whether the owner <paramref name="ownerId"/> is still alive (holds its lock). A dead owner's lock file is
    /// deleted on the way: callers hold the store lock, so no one else probes it at the same time.
    /// </summary>
    public static bool IsAlive(string owners, string ownerId)
    {
        if (!StoreLayout.IsSafeId(ownerId))
        {
            return false;
        }

        var path = Path.Combine(owners, ownerId + ".lock");
        var fd = Libc.Open(path, Libc.ReadWrite | Libc.CloseOnExec, 0);
        if (fd < 0)
        {
            // No lock file: its owner was disposed, or its file was already cleaned up after it died.
            return false;
        }

        try
        {
            var errno = Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking);
            if (errno == Libc.WouldBlock)
            {
                return true;
            }

            if (errno != 0)
            {
                throw new IOException($"could not probe the owner lock {path}: {Libc.Describe(errno)}", errno);
            }

            File.Delete(path);
            return false;
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>Owner ids that have a lock file in <paramref name="owners"/>.</summary>
    public static IEnumerable<string> List(string owners) =>
        Directory.EnumerateFiles(owners, "*.lock").Select(p => Path.GetFileNameWithoutExtension(p)).Where(StoreLayout.IsSafeId);

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
        {
            return;
        }

        // Delete first, then unlock: a prober that opened the file just before gets the lock and, rightly, finds this
        // owner gone.
        try
        {
            File.Delete(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A later recovery deletes a dead owner's file.
        }

        _ = Libc.Close(fd);
    }

    private static int Flock(int fd, int operation)
    {
        while (Libc.Flock(fd, operation) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.Interrupted)
            {
                return errno;
            }
        }

        return 0;
    }
}
