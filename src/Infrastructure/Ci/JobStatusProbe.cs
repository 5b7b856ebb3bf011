using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// Learns whether the job's earlier steps succeeded from the job status the CI hands to post: the hidden
/// <c>job-status</c> input on GitHub Actions (default <c>${{ job.status }}</c>, evaluated again for post), or
/// <c>--job-status</c> / <c>BLACKSMITH_JOB_STATUS</c> elsewhere. When none is given it asks
/// <paramref name="whenNotGiven"/> (the runner's diagnostic logs on GitHub), and without one the answer is
/// inconclusive, never a pass.
/// </summary>
public sealed class JobStatusProbe(ICiRuntime runtime, IEarlierStepsProbe? whenNotGiven = null) : IEarlierStepsProbe
{
    public const string Operation = "earlier-steps.job-status";

    public async Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var origin = runtime.DescribeInput(JobStatusInput.Name);
        CiJobStatus? status;
        try
        {
            status = runtime.GetJobStatus();
        }
        catch (CiInputException ex)
        {
            // Post must still drain: the step records the check as inconclusive with this message.
            throw new ExternalCallException(Operation, ExternalErrorKind.BadReply, ex.Message, ex);
        }

        return status switch
        {
            CiJobStatus.Success => new(EarlierStepsResult.Succeeded, origin, "the job status was success"),
            CiJobStatus.Failure => new(EarlierStepsResult.Failed, origin, "the job status was failure"),
            CiJobStatus.Cancelled => new(EarlierStepsResult.Cancelled, origin, "the job status was cancelled"),
            _ when whenNotGiven is not null => await whenNotGiven.CheckAsync(cancellationToken),
            _ => new(
                EarlierStepsResult.Inconclusive,
                origin,
                $"no job status was given ({origin}), so whether the earlier steps succeeded is unknown"),
        };
    }
}
