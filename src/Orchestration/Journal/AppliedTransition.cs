using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Journal;

/// <summary>A transition that was journaled.</summary>
public sealed record AppliedTransition(long Sequence, LifecycleTrigger Trigger, LifecycleState From, LifecycleState To);
