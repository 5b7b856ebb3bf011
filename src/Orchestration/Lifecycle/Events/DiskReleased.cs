using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>The explicit release (should_commit = false) of a skipped commit was sent.</summary>
/// <param name="Accepted">Whether the store accepted it; a refusal is reported, not retried.</param>
/// <param name="Detail">The store's error, when it refused.</param>
public sealed record DiskReleased(bool Accepted, string? Detail = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DiskReleased;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { Disk = snapshot.Disk with { Released = Accepted } };
}
