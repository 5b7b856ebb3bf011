using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>The sticky disk is mounted at the BuildKit root.</summary>
public sealed record DiskMounted(string MountPoint, bool Formatted) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DiskMounted;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { Disk = snapshot.Disk with { MountPoint = MountPoint, Mounted = true, Formatted = Formatted } };
}
