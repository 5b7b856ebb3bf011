using System.Globalization;
using System.Text;
using Blacksmith.Hosting.Output;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps;
using Blacksmith.Steps.Post;

namespace Blacksmith.Hosting.Hosts;

/// <summary>
/// setup-docker-builder's post step: runs the post sequence for the session main saved, then says what happened to
/// the cache and why, where the user will see it: the log, the step summary, and a warning annotation when a green
/// job lost its cache. Ends with the job's timeline in a collapsed group, so the story outlives the runner's temp
/// directory.
/// </summary>
public sealed class PostHost(
    ICiRuntime ci,
    PostSequence sequence,
    IStickyDiskStore store,
    IControlPlane controlPlane,
    IJournalStore journal,
    HostSettings settings,
    JobClaims claims)
{
    public async Task<int> RunAsync(string freshSession, CancellationToken cancellationToken)
    {
        var saved = ci.GetState(SetupHost.SessionState);
        if (saved is null)
        {
            ci.Info("setup-docker-builder's main step saved no session (it did not run, or was killed at once); releasing whatever this job's journal holds.");
        }

        var session = saved ?? freshSession;
        var outcome = await sequence.RunAsync(session, cancellationToken);
        var snapshot = outcome.Snapshot;
        ReleaseClaim(outcome, snapshot);
        var status = JobStatus.From((await journal.ReadAsync(0, cancellationToken)).Records);

        if (outcome.Refusal is { } refusal)
        {
            ci.Annotate(AnnotationKind.Warning, $"setup-docker-builder post: {refusal.Message}");
        }
        else if (!snapshot.IsOwner && snapshot.OwnerSession is not null)
        {
            ci.Info("This setup used the job's existing builder; the post step of the setup that started it drains and commits it.");
        }
        else
        {
            await ReportOutcomeAsync(snapshot, outcome, status, cancellationToken);
        }

        using (ci.Group("Builder lifecycle (blacksmith status)"))
        {
            ci.Info(StatusText.Render(status));
        }

        return outcome.Errors.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// The job's claim goes once the builder's owner has drained it cleanly. After a failed drain it stays: when this
    /// job's runner ends, the next job on the machine finds the claim's owner gone and cleans up what is left.
    /// </summary>
    private void ReleaseClaim(SequenceOutcome outcome, LifecycleSnapshot snapshot)
    {
        if (outcome.Refusal is not null || outcome.Errors.Count > 0 || (!snapshot.IsOwner && snapshot.OwnerSession is not null))
        {
            return;
        }

        try
        {
            _ = claims.Delete(settings.JobDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ci.Info($"This job's claim in {claims.Directory} could not be deleted ({ex.Message}); the next job on this machine will remove it.");
        }
    }

    private async Task ReportOutcomeAsync(LifecycleSnapshot snapshot, SequenceOutcome outcome, JobStatus status, CancellationToken cancellationToken)
    {
        var key = snapshot.Setup?.CacheKey ?? "-";
        var jobSucceeded = snapshot.EarlierSteps == EarlierStepsResult.Succeeded;
        switch (snapshot.Decision)
        {
            case CommitDecision.Commit when snapshot.CommitAccepted == true:
                ci.Info($"Cache: commit requested for key {key}; the store applies it when this job's disk is released.");
                break;
            case CommitDecision.Commit:
                ci.Annotate(AnnotationKind.Warning, $"The cache for key {key} was not committed: the commit request failed ({snapshot.CommitError ?? "no answer"}). The next job starts from the previous commit.");
                await ReportFailureAsync(FailureKind.StickyDiskCommit, key, "commit", snapshot.CommitError ?? "commit failed", cancellationToken);
                break;
            case CommitDecision.Skip { Reason: SkipReason.NoSetup }:
                ci.Info("No setup ran in this job: there is nothing to drain, release or commit.");
                break;
            case CommitDecision.Skip skip:
                var message = $"The cache for key {key} was not committed ({skip.Reason}): {skip.Detail}";
                if (jobSucceeded)
                {
                    // A green job must not hide a lost cache.
                    ci.Annotate(AnnotationKind.Warning, message);
                }
                else
                {
                    ci.Info(message);
                }

                break;
        }

        foreach (var error in outcome.Errors)
        {
            ci.Annotate(AnnotationKind.Error, $"setup-docker-builder post: {error}");
            await ReportFailureAsync(FailureKind.BuilderCleanup, key, "cleanup", error, cancellationToken);
        }

        if (status.Timeline.FirstOrDefault(t => t.Trigger == LifecycleTrigger.PostRequested) is { } begun
            && status.Timeline.LastOrDefault(t => t.Trigger == LifecycleTrigger.DaemonStopped) is { } stopped)
        {
            await HostMetrics.ReportAsync(store, new StickyDiskMetric(StickyDiskMetricKind.BuildkitdShutdownDurationMs, (long)(stopped.At - begun.At).TotalMilliseconds), cancellationToken);
        }

        ci.TryAppendSummary(Summary(snapshot, status));
    }

    private async Task ReportFailureAsync(FailureKind kind, string key, string step, string message, CancellationToken cancellationToken)
    {
        try
        {
            await controlPlane.ReportFailureAsync(new FailureReport(kind, key, step, message), cancellationToken);
        }
        catch (ExternalCallException)
        {
            // Reporting is best effort; the recording decorator has journaled the attempt.
        }
    }

    private static string Summary(LifecycleSnapshot snapshot, JobStatus status)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("### Docker builder (setup-docker-builder)");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(inv, $"| Cache key | `{snapshot.Setup?.CacheKey ?? "-"}` ({snapshot.Setup?.Store ?? "-"} store) |");
        text.AppendLine(inv, $"| Builder | `{snapshot.BuilderName ?? "-"}` ({snapshot.Mode}) |");
        text.AppendLine(inv, $"| Builds | {snapshot.Builds.Count} ({snapshot.Builds.Count(b => b.Outcome == BuildOutcome.Failed)} failed) |");
        text.AppendLine(inv, $"| Cache | {StatusText.Describe(status)} |");
        return text.ToString();
    }
}
