using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>The head of Linux's <c>struct statx</c> (256 bytes in all); only the owner fields are read.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct StatxBuffer
{
    [FieldOffset(0)]
    public uint Mask;

    [FieldOffset(20)]
    public uint Uid;

    [FieldOffset(24)]
    public uint Gid;
}
