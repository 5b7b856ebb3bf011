using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>The machine's answer to one event: it moved (possibly to the same state), or it refused.</summary>
public abstract record LifecycleTransition
{
    private LifecycleTransition()
    {
    }

    public sealed record Moved(LifecycleState From, LifecycleState To, LifecycleEvent Event, LifecycleSnapshot After) : LifecycleTransition;

    public sealed record Refused(LifecycleState State, LifecycleTrigger Trigger, IReadOnlyList<string> Unmet) : LifecycleTransition
    {
        public string Describe() => Unmet.Count == 0
            ? $"{Trigger} is not permitted in state {State}"
            : $"{Trigger} is not permitted in state {State}: {string.Join("; ", Unmet)}";
    }
}
