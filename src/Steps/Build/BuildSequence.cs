using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Steps.Build;

/// <summary>
/// The build host's order: tell the lifecycle a build starts, run it, tell the lifecycle how it ended. A build the
/// lifecycle will not take (no builder of ours in this job) still runs, on whatever builder buildx has, untracked.
/// </summary>
internal sealed class BuildSequence(ILifecycleSender sender, IImageBuilder builder)
{
    public async Task<BuildRun> RunAsync(string session, string name, BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var begun = await sender.SendAsync(new BeginBuild(session, request.BuildId, name), cancellationToken);
        var refused = begun as LifecycleResult.Refused;
        if (begun is LifecycleResult.Applied { Snapshot: { BuilderName: { } builderName } admitted })
        {
            // The job's builder, as of the transition that admitted this build, and what setup journaled about it.
            request = request.Builder.Length == 0 ? request with { Builder = builderName } : request;
            request = request.Builder == builderName ? request with { Known = admitted.Builder } : request;
        }

        BuildReport report;
        using (EffectScope.Enter(session))
        {
            report = await BuildAsync(request, cancellationToken);
        }

        if (refused is null)
        {
            // Journaled even when the step is being cancelled: post must know this build did not succeed.
            await sender.SendAsync(new CompleteBuild(session, request.BuildId, Outcome(report), Detail(report)), CancellationToken.None);
        }

        return new BuildRun(report, refused);
    }

    private async Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await builder.BuildAsync(request, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            // buildx missing or unusable: a failed build, with the reason, not a crashed step.
            return new BuildReport(BuildResult.Failed, TimeSpan.Zero) { ErrorDetail = ex.Message };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new BuildReport(BuildResult.Cancelled, TimeSpan.Zero) { ErrorDetail = "the step was cancelled" };
        }
    }

    private static BuildOutcome Outcome(BuildReport report) => report.Result switch
    {
        BuildResult.Succeeded => BuildOutcome.Succeeded,
        BuildResult.Cancelled => BuildOutcome.Cancelled,
        _ => BuildOutcome.Failed,
    };

    private static string? Detail(BuildReport report) => report.Result switch
    {
        BuildResult.Succeeded => null,
        BuildResult.Failed when report.ExitCode is { } code => $"buildx exited {code}{(report.ErrorDetail is { } d ? $": {d}" : "")}",
        var result => report.ErrorDetail is { } detail ? $"{result}: {detail}" : result.ToString(),
    };
}
