using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>
/// The store accepted the commit request (should_commit = true). It is applied by the store later (on Blacksmith
/// runners, at VM teardown), so this is "commit requested", never "committed".
/// </summary>
public sealed record CommitRequested(long? FsUsageBytes = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.CommitRequested;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { CommitAccepted = true };
}
