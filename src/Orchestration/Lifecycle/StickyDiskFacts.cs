namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>What the lifecycle knows about the sticky disk.</summary>
/// <param name="ExposeId">The agent's handle for this exposure; one decision (commit or release) is sent per expose id.</param>
/// <param name="Device">The block device the agent exposed.</param>
/// <param name="MountPoint">Where the disk is mounted (the BuildKit root).</param>
/// <param name="Mounted">Whether the disk is currently mounted by this job.</param>
/// <param name="Formatted">Whether setup formatted the device (a fresh, empty cache).</param>
/// <param name="Unmounted">Null until post tried to unmount; then whether every attempt unmounted cleanly (one that failed stays failed).</param>
/// <param name="FsUsageBytes">Filesystem usage measured before unmount, sent with the commit.</param>
/// <param name="Released">Null until an explicit release (should_commit = false) was sent; then whether the agent accepted it.</param>
public sealed record StickyDiskFacts(
    string? ExposeId = null,
    string? Device = null,
    string? MountPoint = null,
    bool Mounted = false,
    bool Formatted = false,
    bool? Unmounted = null,
    long? FsUsageBytes = null,
    bool? Released = null)
{
    public static readonly StickyDiskFacts None = new();

    public bool HoldsExposeId => !string.IsNullOrEmpty(ExposeId);
}
