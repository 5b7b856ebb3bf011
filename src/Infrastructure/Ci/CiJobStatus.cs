namespace Blacksmith.Infrastructure.Ci;

/// <summary>The job's status before the post stage, as the CI reports it.</summary>
public enum CiJobStatus
{
    Success,
    Failure,
    Cancelled,
}
