namespace Blacksmith.Replay;

/// <summary>The job status a post is given (GitHub's <c>job.status</c> at post time), or that it was given none.</summary>
public enum JobStatusInput
{
    Success,
    Failure,
    Cancelled,

    /// <summary>No status was given: the check is inconclusive.</summary>
    Unknown,
}
