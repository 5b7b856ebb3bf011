using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// Learns whether the job's earlier steps succeeded from the job status the CI hands to post: the hidden
/// <c>job-status</c> input on GitHub Actions (default <c>${{ job.status }}</c>, evaluated again for post), or
/// <c>--job-status</c> / <c>BLACKSMITH_JOB_STATUS</c> elsewhere. When none is given it asks
/// <paramref name="whenNotGiven"/> (the runner's diagnostic logs on GitHub), which may only tell a failure or a
/// cancellation: anything else it answers is inconclusive, never a pass, and a warning says the fallback was used.
/// </summary>
/// <remarks>
/// A status that is missing or unknown costs the job its cache (post skips the commit) but nothing else: post still
/// drains and releases. Because that loss is silent otherwise, it is a warning annotation naming the value received
/// and how to pass the status, on GitHub as on every other CI.
/// </remarks>
public sealed class JobStatusProbe(ICiRuntime runtime, IEarlierStepsProbe? whenNotGiven = null) : IEarlierStepsProbe
{
    // Longer values are cut in the warning: it is a log line, not a dump of whatever was passed.
    private const int MaxShownLength = 60;

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
            runtime.Annotate(AnnotationKind.Warning,
                $"The job status from {origin} is {Shown(runtime.GetInput(JobStatusInput.Name))}, which is not {JobStatusInput.AcceptedValues}, "
                + $"so post cannot tell whether the job succeeded and does not commit the cache. {HowToPass()}");
            return new(EarlierStepsResult.Inconclusive, origin, ex.Message);
        }

        switch (status)
        {
            case CiJobStatus.Success:
                return new(EarlierStepsResult.Succeeded, origin, "the job status was success");
            case CiJobStatus.Failure:
                return new(EarlierStepsResult.Failed, origin, "the job status was failure");
            case CiJobStatus.Cancelled:
                return new(EarlierStepsResult.Cancelled, origin, "the job status was cancelled");
        }

        if (whenNotGiven is null)
        {
            runtime.Annotate(AnnotationKind.Warning,
                $"No job status was given ({origin}), so post cannot tell whether the job succeeded and does not commit the cache. {HowToPass()}");
            return new(EarlierStepsResult.Inconclusive, origin, $"no job status was given ({origin}), so whether the earlier steps succeeded is unknown");
        }

        EarlierStepsReport report;
        try
        {
            report = await whenNotGiven.CheckAsync(cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            WarnNotGivenNorFound(origin, ex.Message);
            throw;
        }

        switch (report.Result)
        {
            case EarlierStepsResult.Failed or EarlierStepsResult.Cancelled:
                runtime.Annotate(AnnotationKind.Warning,
                    $"No job status was given ({origin}), so post read it from the {report.Source}: {report.Detail ?? report.Result.ToString()}. {HowToPass()}");
                return report;
            default:
                // Guessed logs can show a failure, but a pass read from them could commit a failed job's cache for every later job.
                WarnNotGivenNorFound(origin, report.Detail);
                return report with { Result = EarlierStepsResult.Inconclusive };
        }
    }

    private void WarnNotGivenNorFound(string origin, string? why) =>
        runtime.Annotate(AnnotationKind.Warning,
            $"No job status was given ({origin}) and the runner's logs cannot show a success ({why ?? "no answer"}), so post cannot tell whether the job "
            + $"succeeded and does not commit the cache. {HowToPass()}");

    private string HowToPass() => runtime.Kind == CiKind.GitHubActions
        ? "Leave setup-docker-builder's job-status input at its default, ${{ job.status }} (a wrapper action must pass it on)."
        : "Pass the job's final status with --job-status or BLACKSMITH_JOB_STATUS: on GitLab CI --job-status \"$CI_JOB_STATUS\" in after_script, "
            + "on Buildkite success or failure from BUILDKITE_COMMAND_EXIT_STATUS in a pre-exit hook (docs/ci.md).";

    private static string Shown(string value)
    {
        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length > MaxShownLength ? $"'{oneLine[..MaxShownLength]}…'" : $"'{oneLine}'";
    }
}
