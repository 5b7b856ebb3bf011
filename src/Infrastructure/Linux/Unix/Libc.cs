using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// The few libc calls .NET does not expose: <c>flock(2)</c> on a descriptor .NET has not already locked, and the
/// owner handover when root creates files for a non-root job. Source-generated marshalling, so Native AOT keeps it.
/// </summary>
/// <remarks>
/// Flag and errno values differ between kernels; they are chosen once for Linux (x64, arm64: the generic values)
/// or macOS, the only platforms the engine runs on.
/// </remarks>
internal static partial class Libc
{
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;

    public const int ReadOnly = 0;
    public const int ReadWrite = 2;

    public const int Interrupted = 4;
    public const int NoSuchFile = 2;
    public const int InvalidArgument = 22;

    public const int AtCurrentDirectory = -100;
    public const uint StatxUid = 0x8;
    public const uint StatxGid = 0x10;
    public const uint StatxInode = 0x100;

    private const string Library = "libc";

    public static int Create { get; } = OperatingSystem.IsMacOS() ? 0x200 : 0x40;

    public static int Exclusive { get; } = OperatingSystem.IsMacOS() ? 0x800 : 0x80;

    public static int CloseOnExec { get; } = OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000;

    public static int WouldBlock { get; } = OperatingSystem.IsMacOS() ? 35 : 11;

    public static int AlreadyExists { get; } = 17;

    /// <remarks>
    /// <c>open</c> is variadic; the mode is passed anyway but not relied on (Apple arm64 passes variadic arguments on
    /// the stack), so callers that create a file set its mode again with <see cref="FileModeChange"/>.
    /// </remarks>
    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FileModeChange(int fd, uint mode);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Library, EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();

    [LibraryImport(Library, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ChangeOwner(string path, uint uid, uint gid);

    /// <summary>Linux only (glibc 2.28+, musl 1.2.5+); <see cref="StatxBuffer"/> has the same layout on every architecture.</summary>
    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
