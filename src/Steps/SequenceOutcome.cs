using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps;

/// <summary>Where a sequence of commands left the lifecycle, and what went wrong on the way.</summary>
/// <param name="Snapshot">The lifecycle after the last command that was applied.</param>
/// <param name="Refusal">The refusal that stopped the sequence, if one did.</param>
/// <param name="Errors">Steps that threw although the sequence went on (cleanup continues past them).</param>
public sealed record SequenceOutcome(LifecycleSnapshot Snapshot, LifecycleResult.Refused? Refusal, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Refusal is null && Errors.Count == 0;
}
