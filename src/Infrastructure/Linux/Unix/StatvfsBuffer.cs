using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// Linux's <c>struct statvfs</c> on 64-bit architectures (112 bytes with glibc and musl); only the block counts are
/// read. The buffer is a little larger than the struct so that a libc that appends fields cannot write past it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct StatvfsBuffer
{
    /// <summary><c>f_frsize</c>: the unit of the block counts (not <c>f_bsize</c>, the preferred I/O size).</summary>
    [FieldOffset(8)]
    public ulong FragmentSize;

    [FieldOffset(16)]
    public ulong Blocks;

    [FieldOffset(24)]
    public ulong FreeBlocks;
}
