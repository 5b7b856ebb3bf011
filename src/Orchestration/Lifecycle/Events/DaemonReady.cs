using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>buildkitd answered with at least one worker.</summary>
/// <param name="WaitedMilliseconds">How long it took.</param>
/// <param name="BudgetMilliseconds">The readiness budget the wait ran under; null in journals written before it was recorded.</param>
public sealed record DaemonReady(long WaitedMilliseconds, long? BudgetMilliseconds = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DaemonReady;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { DaemonReady = true };
}
