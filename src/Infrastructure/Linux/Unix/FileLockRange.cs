using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// Linux's <c>struct flock</c> on 64-bit architectures (32 bytes: two shorts, two 64-bit offsets, the pid, padding).
/// An open file description lock must leave <see cref="Pid"/> zero.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FileLockRange
{
    public short Type;
    public short Whence;
    public long Start;
    public long Length;
    public int Pid;

    public FileLockRange(short type, long start, long length)
    {
        Type = type;
        Whence = 0; // SEEK_SET
        Start = start;
        Length = length;
        Pid = 0;
    }
}
