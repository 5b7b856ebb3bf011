using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>Post stopped (or found already gone) the daemon this job spawned.</summary>
public sealed record DaemonStopped(DaemonStopOutcome Outcome, string? Detail = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DaemonStopped;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { DaemonStop = Outcome };
}
