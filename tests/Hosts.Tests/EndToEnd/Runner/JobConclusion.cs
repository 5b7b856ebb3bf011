namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>The job's status as <c>${{ job.status }}</c> gives it (protocols §5.4): success, failure or cancelled.</summary>
internal enum JobConclusion
{
    Success,
    Failure,
    Cancelled,
}
