namespace Blacksmith.Steps.Job;

/// <summary>How a post step ended, and what to say, in order.</summary>
/// <param name="End">How the step ends: failed whenever something the job held is still held, or its journal was unusable.</param>
/// <param name="Outcome">Where the post sequence left the lifecycle; null when the journal was unusable and the claim was released instead.</param>
/// <param name="Notes">What to say, in order.</param>
public sealed record PostStepResult(StepEnd End, SequenceOutcome? Outcome, IReadOnlyList<JobNote> Notes)
{
    /// <summary>Whether everything the job held was released (false also when the journal could not say).</summary>
    public bool Released { get; init; }
}
