using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// The libc calls the block-device adapter needs: filesystem usage without a <c>df</c> process to parse, and the
/// canonical path of a mount point (the kernel lists mounts by their resolved path).
/// </summary>
internal static partial class Libc
{
    /// <summary><c>STATX_TYPE</c>: the file type bits of <see cref="StatxBuffer.Mode"/>.</summary>
    public const uint StatxType = 0x1;

    /// <summary><c>S_IFMT</c> and <c>S_IFBLK</c>, the same on every Linux architecture.</summary>
    public const ushort FileTypeMask = 0xF000;
    public const ushort BlockDeviceType = 0x6000;

    /// <summary>Linux 64-bit only (glibc and musl agree on the layout of <see cref="StatvfsBuffer"/> there).</summary>
    [LibraryImport(Library, EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statvfs(string path, out StatvfsBuffer buffer);

    /// <summary>With a null <paramref name="resolved"/> libc allocates the result; release it with <see cref="Free"/>.</summary>
    [LibraryImport(Library, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint RealPath(string path, nint resolved);

    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(nint pointer);
}
