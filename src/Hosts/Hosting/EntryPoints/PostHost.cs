using System.Globalization;
using System.Text;
using Blacksmith.Hosting.Output;
using Blacksmith.Hosting.Telemetry;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Telemetry;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// setup-docker-builder's post step: runs the post sequence as the builder's owner, then says what happened to the
/// cache and why, where the user will see it: the log, the step summary, and a warning annotation when a green job
/// lost its cache. Fails the step (exit 1) whenever something the job held is still held: a daemon that would not stop,
/// a disk that would not unmount. A journal that can no longer be trusted (deleted, emptied, truncated, hand-edited)
/// is no licence to forget: what the job's claim names is released, nothing is committed, and the step fails. Ends with
/// the job's timeline in a collapsed group, so the story outlives the runner's temp directory. On a Blacksmith runner, a
/// commit, a stop or an unmount that failed is reported to the control plane (<see cref="FailureReports.ForPost"/>).
/// Last, whatever happened, it removes the secret files of the job's builds that were killed before they could
/// (<see cref="IBuildSecrets"/>); one it cannot remove fails the step too.
/// </summary>
public sealed class PostHost(
    ICiRuntime ci,
    PostSequence sequence,
    IStickyDiskStore store,
    IJournalStore journal,
    LifecycleJournal lifecycle,
    HostSettings settings,
    IClaimRegistry claims,
    LeftoverSweep leftovers,
    FailureReporter failures,
    IBuildSecrets secrets,
    TraceExportRequest? traceRequest = null,
    JobTraceExport? traceExport = null)
{
    public async Task<int> RunAsync(string freshSession, CancellationToken cancellationToken)
    {
        var exitCode = await DrainAsync(freshSession, cancellationToken);
        return await RemoveBuildSecretsAsync(cancellationToken) ? exitCode : ExitCodes.Failed;
    }

    private async Task<int> DrainAsync(string freshSession, CancellationToken cancellationToken)
    {
        var (unusable, postFrom, claimedKey) = await JournalProblemAsync(freshSession, cancellationToken);
        if (unusable is not null)
        {
            return await ReleaseFromClaimAsync(unusable, claimedKey, cancellationToken);
        }

        var saved = SavedSession();

        var launch = new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, settings.JobDirectory);
        var outcome = await sequence.RunAsync(new PostPlan(saved, freshSession, launch, PostPerSetup: ci.Kind == CiKind.GitHubActions), cancellationToken);
        var snapshot = outcome.Snapshot;
        var records = (await journal.ReadAsync(0, cancellationToken)).Records;
        var status = JobStatus.From(records);
        var findings = PostFindings.None;

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
            findings = PostFindings.From(records, postFrom);
            await ReportOutcomeAsync(snapshot, outcome, status, findings, cancellationToken);
        }

        using (ci.Group("Builder lifecycle (blacksmith status)"))
        {
            ci.Info(StatusText.Render(status));
        }

        var held = snapshot.IsOwner && !LifecycleMachine.EverythingReleased(snapshot);
        if (held)
        {
            var what = string.Join("; ", JobHoldings.Project(snapshot)?.Describe() ?? []);
            var why = findings.CleanupFailures.Count == 0 ? string.Empty : $" ({string.Join("; ", findings.CleanupFailures)})";
            ci.Annotate(AnnotationKind.Error,
                $"setup-docker-builder post could not release everything this job held: {what}{why}. Nothing was released or committed under it. "
                + $"This job's claim in {claims.Location} keeps naming it: running post again retries, and once this job is over a later job on this machine cleans it up (docs/leftovers.md).");
        }

        await ExportTraceAsync(cancellationToken);
        return outcome.Errors.Count == 0 && !held ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Sends the job's trace when the user asked for one; whatever happens, the step's result stays its own.</summary>
    private async Task ExportTraceAsync(CancellationToken cancellationToken)
    {
        if (traceRequest?.Problem is { } problem)
        {
            ci.Annotate(AnnotationKind.Warning, $"setup-docker-builder post did not send the job's trace: {problem}");
            return;
        }

        if (traceExport is null)
        {
            return;
        }

        var result = await traceExport.ExportAsync(traceRequest?.CiContext, cancellationToken);
        if (result.Exported)
        {
            ci.Info($"Trace {result.TraceId} of this job ({result.Spans} spans) sent to {result.Destination}.");
        }
        else
        {
            ci.Annotate(AnnotationKind.Warning, $"setup-docker-builder post could not send the job's trace to {result.Destination}: {result.Problem}");
        }
    }

    /// <summary>
    /// Removes what builds killed mid-build left of their secret files (every build of the job is over by post). False,
    /// with an error annotation, when one could not be removed: a secret left on the machine must be seen.
    /// </summary>
    private async Task<bool> RemoveBuildSecretsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = await secrets.RemoveLeftoversAsync(settings.JobDirectory, cancellationToken);
            if (removed.Count > 0)
            {
                ci.Info($"Removed the secret files of {(removed.Count == 1 ? "a build" : $"{removed.Count} builds")} that ended before they could: {string.Join(", ", removed)}");
            }

            return true;
        }
        catch (ExternalCallException ex)
        {
            ci.Annotate(AnnotationKind.Error, $"setup-docker-builder post could not remove the secret files a build of this job left: {ex.Message}. Remove them by hand.");
            return false;
        }
    }

    /// <summary>The session setup's main step saved for this post; null when it saved none or it cannot be read.</summary>
    private string? SavedSession()
    {
        try
        {
            if (ci.GetState(SetupHost.SessionState) is { } saved)
            {
                return saved;
            }

            ci.Info("setup-docker-builder's main step saved no session (it did not run, or was killed at once); post acts for whichever setup owns this job's builder.");
        }
        catch (CiRuntimeException ex)
        {
            // An unreadable state must not keep post from releasing: the journal says who owns the builder.
            ci.Annotate(AnnotationKind.Warning, $"setup-docker-builder post could not read the session its main step saved ({ex.Message}); it acts for whichever setup owns this job's builder.");
        }

        return null;
    }

    /// <summary>
    /// Why this job's journal cannot be trusted (malformed, or behind what its claim names), or null when it can; where
    /// the journal ended before this post; and the cache key its claim names.
    /// </summary>
    private async Task<(string? Problem, long Sequence, string? ClaimedKey)> JournalProblemAsync(string session, CancellationToken cancellationToken)
    {
        var claim = (await claims.FindAsync(settings.JobDirectory, cancellationToken))?.Claim;
        var key = claim?.Holdings.CacheKey;
        try
        {
            var snapshot = await lifecycle.LoadAsync(session, cancellationToken);
            return (claim is null ? null : JournalTrust.WhyUnusable(snapshot, claim), snapshot.Sequence, key);
        }
        catch (JournalFormatException ex)
        {
            return ($"it has a malformed record ({ex.Message})", 0, key);
        }
    }

    /// <summary>
    /// The journal cannot say what the job holds: release what its claim names (never commit) and fail the step, since
    /// the job's record cannot be trusted (ADR 0004).
    /// </summary>
    private async Task<int> ReleaseFromClaimAsync(string problem, string? cacheKey, CancellationToken cancellationToken)
    {
        var why = $"this job's journal {journal.Location} is unusable: {problem}";
        var cleanup = await leftovers.CleanAsync(settings.JobDirectory, why, cancellationToken);
        var done = cleanup switch
        {
            null => "this job has no claim naming anything it held, so there was nothing else to release",
            { Complete: true } => $"released what this job's claim named, committing nothing: {string.Join(", ", cleanup.Actions.DefaultIfEmpty("nothing was still held"))}",
            { ClaimKept: true } => $"could not release all this job's claim names ({string.Join("; ", cleanup.Problems)}); the claim is kept for a later cleanup",
            _ => $"could not release all this job's claim names ({string.Join("; ", cleanup.Problems)})",
        };
        ci.Annotate(AnnotationKind.Error, $"setup-docker-builder post: {why}. The cache is not committed; {done}.");
        if (cleanup is { Complete: false })
        {
            await failures.SendAsync([new FailureReport(FailureKind.BuilderCleanup, cacheKey ?? string.Empty, "cleanup", string.Join("; ", cleanup.Problems))], cancellationToken);
        }

        return ExitCodes.Failed;
    }

    private async Task ReportOutcomeAsync(LifecycleSnapshot snapshot, SequenceOutcome outcome, JobStatus status, PostFindings findings, CancellationToken cancellationToken)
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

        if (findings.DaemonGone is { } gone)
        {
            // A daemon that died under the builds is worth knowing about, and its log says why.
            ci.Annotate(AnnotationKind.Warning, $"setup-docker-builder post: {gone}");
        }

        foreach (var error in outcome.Errors)
        {
            ci.Annotate(AnnotationKind.Error, $"setup-docker-builder post: {error}");
        }

        await failures.SendAsync(FailureReports.ForPost(snapshot, findings, outcome.Errors), cancellationToken);

        if (status.Timeline.FirstOrDefault(t => t.Trigger == LifecycleTrigger.PostRequested) is { } begun
            && status.Timeline.LastOrDefault(t => t.Trigger == LifecycleTrigger.DaemonStopped) is { } stopped)
        {
            await HostMetrics.ReportAsync(store, new StickyDiskMetric(StickyDiskMetricKind.BuildkitdShutdownDurationMs, (long)(stopped.At - begun.At).TotalMilliseconds), cancellationToken);
        }

        ci.TryAppendSummary(Summary(snapshot, status));
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
