using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Replay;

/// <summary>One transition of a replayed job, at its virtual time since the job started.</summary>
public sealed record ReplayTransition(long Sequence, long AtMs, string Session, LifecycleTrigger Trigger, LifecycleState From, LifecycleState To);
