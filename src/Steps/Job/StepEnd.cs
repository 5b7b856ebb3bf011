namespace Blacksmith.Steps.Job;

/// <summary>How a step of the job ended, which a host turns into its exit code (docs/adr/0004-exit-codes.md).</summary>
public enum StepEnd
{
    Succeeded,

    /// <summary>Something failed, or something the job held is still held.</summary>
    Failed,

    /// <summary>Refused before any effect: the inputs, or the job's state, do not allow the step.</summary>
    BadInput,

    /// <summary>The step was cancelled.</summary>
    Cancelled,
}
