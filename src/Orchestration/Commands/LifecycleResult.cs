using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Commands;

/// <summary>What a lifecycle command came to. Refusals are values, not exceptions.</summary>
public abstract record LifecycleResult
{
    private LifecycleResult()
    {
    }

    /// <summary>A handler's proposal: the events its effect produced. The pipeline journals them and answers with Applied or Refused.</summary>
    public sealed record Proposed(IReadOnlyList<LifecycleEvent> Events) : LifecycleResult;

    /// <summary>The events were journaled (possibly none, when the step had nothing to do).</summary>
    public sealed record Applied(LifecycleSnapshot Snapshot, IReadOnlyList<AppliedTransition> Transitions) : LifecycleResult;

    /// <summary>The lifecycle did not permit the command; nothing was journaled.</summary>
    public sealed record Refused(string Command, LifecycleState State, LifecycleTrigger Trigger, IReadOnlyList<string> Unmet, LifecycleSnapshot Snapshot) : LifecycleResult
    {
        public string Message => Unmet.Count == 0
            ? $"{Command} is not permitted while the builder is {State} (no {Trigger} transition from {State})"
            : $"{Command} is not permitted while the builder is {State}: {string.Join("; ", Unmet)}";
    }

    public static Proposed Propose(params LifecycleEvent[] events) => new(events);

    public static Proposed Nothing() => new([]);
}
