using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Job;

/// <summary>How a setup ended, and what to say and which outputs to set, in order.</summary>
/// <param name="End">How the step ends.</param>
/// <param name="Outcome">Where the setup sequence left the lifecycle; null when it did not run.</param>
/// <param name="Notes">What to say and the outputs to set, in order.</param>
public sealed record SetupStepResult(StepEnd End, SequenceOutcome? Outcome, IReadOnlyList<JobNote> Notes)
{
    /// <summary>The builder the job's builds use, when setup left one.</summary>
    public string? BuilderName => End == StepEnd.Succeeded ? Outcome?.Snapshot.BuilderName : null;

    /// <summary>The lifecycle after the setup, when its sequence ran.</summary>
    public LifecycleSnapshot? Snapshot => Outcome?.Snapshot;
}
