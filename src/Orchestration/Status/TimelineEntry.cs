using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Status;

/// <summary>One transition of the timeline, with the time since the job's first record and since the previous transition.</summary>
public sealed record TimelineEntry(
    long Sequence,
    DateTimeOffset At,
    TimeSpan SinceStart,
    TimeSpan SincePrevious,
    string Session,
    LifecycleTrigger Trigger,
    LifecycleState From,
    LifecycleState To);
