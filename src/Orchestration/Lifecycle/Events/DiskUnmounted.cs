using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>Post synced, measured and tried to unmount the sticky disk.</summary>
/// <param name="Clean">Whether the unmount succeeded.</param>
/// <param name="FsUsageBytes">Filesystem usage measured before unmount, when it could be measured.</param>
/// <param name="Detail">Why it did not unmount cleanly, when it did not.</param>
public sealed record DiskUnmounted(bool Clean, long? FsUsageBytes = null, string? Detail = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DiskUnmounted;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with
        {
            Disk = snapshot.Disk with
            {
                Mounted = !Clean && snapshot.Disk.Mounted,
                Unmounted = Clean,
                FsUsageBytes = FsUsageBytes ?? snapshot.Disk.FsUsageBytes,
            },
        };
}
