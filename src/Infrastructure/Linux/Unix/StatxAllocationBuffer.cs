using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// Linux's <c>struct statx</c> (256 bytes in all) with the fields that say what a file is and how much it occupies:
/// type and mode, inode, apparent size and allocated 512-byte blocks, and the device it lives on.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct StatxAllocationBuffer
{
    [FieldOffset(0)]
    public uint Mask;

    [FieldOffset(28)]
    public ushort Mode;

    [FieldOffset(32)]
    public ulong Inode;

    [FieldOffset(40)]
    public ulong Size;

    /// <summary><c>stx_blocks</c>: 512-byte units allocated, whatever the filesystem's block size.</summary>
    [FieldOffset(48)]
    public ulong Blocks;

    /// <summary>The device the file itself lives on (<c>stx_dev_major</c>).</summary>
    [FieldOffset(136)]
    public uint DeviceMajor;

    [FieldOffset(140)]
    public uint DeviceMinor;
}
