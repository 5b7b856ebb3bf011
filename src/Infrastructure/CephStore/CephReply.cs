namespace Blacksmith.Infrastructure.CephStore;

/// <summary>How one Ceph CLI call ended: its output, and the errno it reported when it failed (<c>(2) No such file …</c>).</summary>
internal sealed record CephReply(int ExitCode, string Output, string Error, int? Errno)
{
    public const int NoSuchEntry = 2;
    public const int Busy = 16;
    public const int Exists = 17;
    public const int NoSpace = 28;
    public const int QuotaExceeded = 122;

    public bool Succeeded => ExitCode == 0;

    public bool NotFound => Errno == NoSuchEntry;
}
