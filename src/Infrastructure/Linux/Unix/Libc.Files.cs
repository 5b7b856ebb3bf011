using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// The file calls the local sticky-disk store needs and .NET does not offer: cloning a file's extents (reflink),
/// finding the data and the holes of a sparse file, copying ranges inside the kernel, flushing one whole filesystem,
/// and a file's allocated size.
/// </summary>
/// <remarks>Linux only; the request and errno values are the generic ones (x64 and arm64 agree).</remarks>
internal static partial class Libc
{
    /// <summary><c>FICLONE</c>, <c>_IOW(0x94, 9, int)</c>: share the source's extents copy-on-write (xfs, btrfs, bcachefs).</summary>
    public const uint FileClone = 0x40049409;

    public const int SeekData = 3;
    public const int SeekHole = 4;

    public const int NoSuchDeviceOrAddress = 6;
    public const int CrossDevice = 18;
    public const int NotATypewriter = 25;
    public const int NoSpace = 28;
    public const int NotSupported = 95;
    public const int QuotaExceeded = 122;

    /// <summary><c>AT_SYMLINK_NOFOLLOW</c>: statx describes a symbolic link itself.</summary>
    public const int AtSymlinkNoFollow = 0x100;

    public const uint StatxMode = 0x2;
    public const uint StatxSize = 0x200;
    public const uint StatxBlocks = 0x400;

    /// <summary>
    /// <c>ioctl(2)</c> with an int argument. ioctl is variadic, but on Linux x64 and arm64 an int passed that way travels
    /// in the same register as a fixed one.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlInt(SafeFileHandle fd, nuint request, int argument);

    [LibraryImport(Library, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Seek(SafeFileHandle fd, long offset, int whence);

    /// <summary><c>copy_file_range(2)</c> (glibc 2.27+), advancing both offsets by what it copied.</summary>
    [LibraryImport(Library, EntryPoint = "copy_file_range", SetLastError = true)]
    public static unsafe partial nint CopyFileRange(SafeFileHandle input, long* inputOffset, SafeFileHandle output, long* outputOffset, nuint length, uint flags);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(SafeFileHandle fd);

    /// <summary><c>syncfs(2)</c>: writes back every dirty page of the filesystem holding <paramref name="fd"/>.</summary>
    [LibraryImport(Library, EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFilesystem(int fd);

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxAllocation(int dirFd, string path, int flags, uint mask, out StatxAllocationBuffer buffer);
}
