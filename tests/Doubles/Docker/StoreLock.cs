using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// An exclusive flock on buildx's store lock file, held until disposed. Like buildx's own lock it blocks until the
/// holder lets go, with no deadline and no polling, so concurrent invocations queue in the kernel in arrival order.
/// </summary>
/// <remarks>
/// The file is opened with open(2), not a FileStream: .NET takes a non-blocking flock of its own when it opens one,
/// which fails at once while another process holds the lock instead of waiting for it.
/// </remarks>
internal sealed partial class StoreLock : IDisposable
{
    private const int ReadWrite = 0x2;
    private const int Create = 0x40;
    private const int CloseOnExec = 0x80000;
    private const int LockExclusive = 2;
    private const int Interrupted = 4;

    private int _descriptor;

    private StoreLock(int descriptor) => _descriptor = descriptor;

    public static StoreLock Acquire(string path)
    {
        var descriptor = Open(path, ReadWrite | Create | CloseOnExec, Convert.ToInt32("600", 8));
        if (descriptor < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"open {path}");
        }

        while (Flock(descriptor, LockExclusive) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                _ = Close(descriptor);
                throw new Win32Exception(errno, $"flock {path}");
            }
        }

        return new StoreLock(descriptor);
    }

    public void Dispose()
    {
        // Closing the last descriptor of the open file releases the flock.
        var descriptor = Interlocked.Exchange(ref _descriptor, -1);
        if (descriptor >= 0)
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int descriptor, int operation);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
