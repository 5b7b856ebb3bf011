using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>The sticky-disk store exposed the key's disk as a block device; from now on it must be settled.</summary>
public sealed record DiskExposed(string ExposeId, string Device) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DiskExposed;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { Disk = snapshot.Disk with { ExposeId = ExposeId, Device = Device } };
}
