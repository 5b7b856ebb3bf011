using System.Runtime.InteropServices;

namespace Blacksmith.Doubles.Buildkitd;

/// <summary>buildkitd's &lt;root&gt;/buildkitd.lock: an exclusive flock, released and removed on a graceful exit.</summary>
internal sealed partial class RootLock : IDisposable
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int LockUnlock = 8;
    private const int ReadWrite = 2;
    private const int Create = 0x40;
    private const int CloseOnExec = 0x80000;

    private readonly int _fd;

    private RootLock(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static RootLock? TryTake(string path)
    {
        var fd = Open(path, ReadWrite | Create | CloseOnExec, 0b110_000_000);
        if (fd < 0)
        {
            throw new IOException($"open {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        if (Flock(fd, LockExclusive | LockNonBlocking) != 0)
        {
            _ = Close(fd);
            return null;
        }

        return new RootLock(fd, path);
    }

    public void Dispose()
    {
        File.Delete(Path);
        _ = Flock(_fd, LockUnlock);
        _ = Close(_fd);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
