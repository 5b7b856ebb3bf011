using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// What the guards of one firing may look at: the snapshot before the event, the event, and the snapshot with
/// the event's facts applied (the state still unchanged). The machine reads and writes <see cref="State"/>. A thread's
/// machine is configured once over one instance, which each firing loads with its own facts (<see cref="Load"/>).
/// </summary>
internal sealed class GuardFacts(LifecycleSnapshot before, LifecycleEvent? pending, LifecycleSnapshot after)
{
    public LifecycleSnapshot Before { get; private set; } = before;

    public LifecycleEvent? Pending { get; private set; } = pending;

    public LifecycleSnapshot After { get; private set; } = after;

    public LifecycleState State { get; set; } = before.State;

    public static GuardFacts Describing(LifecycleState state)
    {
        var snapshot = LifecycleSnapshot.Initial(string.Empty) with { State = state };
        return new GuardFacts(snapshot, null, snapshot);
    }

    /// <summary>Makes these the facts of the next firing.</summary>
    public void Load(LifecycleSnapshot before, LifecycleEvent? pending, LifecycleSnapshot after)
    {
        Before = before;
        Pending = pending;
        After = after;
        State = before.State;
    }
}
