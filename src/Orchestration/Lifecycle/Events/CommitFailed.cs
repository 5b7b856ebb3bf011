using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>The commit request failed; the cache keeps its previous generation.</summary>
public sealed record CommitFailed(string Message) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.CommitFailed;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { CommitAccepted = false, CommitError = Message };
}
