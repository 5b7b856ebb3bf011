using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>The head of Linux's <c>struct statx</c> (256 bytes in all); only the owner, type, inode and device-number fields are read.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct StatxBuffer
{
    [FieldOffset(0)]
    public uint Mask;

    [FieldOffset(20)]
    public uint Uid;

    [FieldOffset(24)]
    public uint Gid;

    [FieldOffset(28)]
    public ushort Mode;

    [FieldOffset(32)]
    public ulong Inode;

    /// <summary>For a device node, the device it stands for (<c>stx_rdev_major</c>).</summary>
    [FieldOffset(128)]
    public uint DeviceMajor;

    [FieldOffset(132)]
    public uint DeviceMinor;

    /// <summary>The device of the filesystem the file lives on (<c>stx_dev_major</c>).</summary>
    [FieldOffset(136)]
    public uint FilesystemMajor;

    [FieldOffset(140)]
    public uint FilesystemMinor;
}
