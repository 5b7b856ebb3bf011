using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// Open file description locks (<c>F_OFD_SETLK</c>, <c>F_OFD_SETLKW</c>): byte-range locks owned by one open of a file,
/// not by the process, so two opens in one process exclude each other, and the kernel drops them when the last
/// descriptor of that open closes, also when its process dies.
/// </summary>
/// <remarks>Linux only (3.15 and later); the command and lock-type values are the generic ones (x64 and arm64 agree).</remarks>
internal static partial class Libc
{
    public const int OfdSetLock = 37;
    public const int OfdSetLockWait = 38;

    public const short WriteLock = 1;
    public const short Unlock = 2;

    public const int PermissionDenied = 13;

    /// <summary>
    /// <c>fcntl(2)</c> with a <c>struct flock</c>. fcntl is variadic, but on Linux x64 and arm64 a pointer passed that
    /// way travels in the same register as a fixed one.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FileControlLock(int fd, int command, ref FileLockRange range);

    /// <summary><c>dup(2)</c>: a second descriptor of the same open, so the same open file description's locks.</summary>
    [LibraryImport(Library, EntryPoint = "dup", SetLastError = true)]
    public static partial int Duplicate(int fd);
}
