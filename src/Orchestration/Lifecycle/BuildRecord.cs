namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>One build of the job, as the journal tells it.</summary>
public sealed record BuildRecord(
    string BuildId,
    string Name,
    string Session,
    DateTimeOffset StartedAt,
    BuildOutcome Outcome,
    DateTimeOffset? FinishedAt = null,
    string? Detail = null)
{
    public bool IsRunning => Outcome == BuildOutcome.Running;
}
