using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// What the guards of one firing may look at: the snapshot before the event, the event, and the snapshot with
/// the event's facts applied (the state still unchanged). The machine reads and writes <see cref="State"/>.
/// </summary>
internal sealed class GuardFacts(LifecycleSnapshot before, LifecycleEvent? pending, LifecycleSnapshot after)
{
    public LifecycleSnapshot Before { get; } = before;

    public LifecycleEvent? Pending { get; } = pending;

    public LifecycleSnapshot After { get; } = after;

    public LifecycleState State { get; set; } = before.State;

    public static GuardFacts Describing(LifecycleState state)
    {
        var snapshot = LifecycleSnapshot.Initial(string.Empty) with { State = state };
        return new GuardFacts(snapshot, null, snapshot);
    }
}
