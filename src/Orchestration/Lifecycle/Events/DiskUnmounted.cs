using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>Post synced, measured and tried to unmount the sticky disk.</summary>
/// <param name="Clean">Whether the filesystem was written back and unmounted without an error: what a commit needs.</param>
/// <param name="FsUsageBytes">Filesystem usage measured before unmount, when it could be measured.</param>
/// <param name="Detail">Why it did not unmount cleanly, when it did not.</param>
/// <param name="StillMounted">
/// Whether the filesystem is still mounted afterwards. An unclean unmount may still have unmounted (the sync before it
/// failed): the disk is then no longer held, and may be released though never committed. Null (journals written before
/// it was recorded) reads as "still mounted" when the unmount was not clean, which is the safe side.
/// </param>
public sealed record DiskUnmounted(bool Clean, long? FsUsageBytes = null, string? Detail = null, bool? StillMounted = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DiskUnmounted;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with
        {
            Disk = snapshot.Disk with
            {
                Mounted = snapshot.Disk.Mounted && (StillMounted ?? !Clean),
                // Once an unmount failed, something had the filesystem open and may have written to it: a later clean
                // unmount (a post run again) frees the disk, but never makes it fit to commit.
                Unmounted = Clean && snapshot.Disk.Unmounted != false,
                FsUsageBytes = FsUsageBytes ?? snapshot.Disk.FsUsageBytes,
            },
        };
}
