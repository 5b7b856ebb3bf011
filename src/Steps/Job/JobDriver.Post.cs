using System.Globalization;
using System.Text;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Reports;

namespace Blacksmith.Steps.Job;

public sealed partial class JobDriver
{
    /// <summary>
    /// setup-docker-builder's post step: runs the post sequence as the builder's owner, then says what happened to the
    /// cache and why: the log, the step summary, and a warning when a green job lost its cache. Fails whenever something
    /// the job held is still held: a daemon that would not stop, a disk that would not unmount. A journal that can no
    /// longer be trusted (deleted, emptied, truncated, hand-edited) is no licence to forget: what the job's claim names is
    /// released, nothing is committed, and the step fails. Ends with the job's timeline in a collapsed group. On a
    /// Blacksmith runner a commit, a stop or an unmount that failed is reported (<see cref="FailureReports.ForPost"/>).
    /// Last, whatever happened, it removes the secret files of the job's builds that were killed before they could; one
    /// it cannot remove fails the step too.
    /// </summary>
    public async Task<PostStepResult> PostAsync(PostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var notes = new List<JobNote>();
        var result = await DrainAsync(request, notes, cancellationToken);
        return await RemoveBuildSecretsAsync(request.Launch.JobDirectory, notes, cancellationToken)
            ? result with { Notes = notes }
            : result with { End = StepEnd.Failed, Notes = notes };
    }

    private async Task<PostStepResult> DrainAsync(PostRequest request, List<JobNote> notes, CancellationToken cancellationToken)
    {
        var jobDirectory = request.Launch.JobDirectory;
        var (unusable, postFrom, claimedKey) = await JournalProblemAsync(request.FreshSession, jobDirectory, cancellationToken);
        if (unusable is not null)
        {
            await ReleaseFromClaimAsync(unusable, claimedKey, jobDirectory, notes, cancellationToken);
            return new PostStepResult(StepEnd.Failed, null, notes);
        }

        notes.AddRange(request.SessionNotes);
        var outcome = await _sequences.Post.RunAsync(new PostPlan(request.SavedSession, request.FreshSession, request.Launch, request.PostPerSetup), cancellationToken);
        var snapshot = outcome.Snapshot;
        var records = (await _journal.ReadAsync(0, cancellationToken)).Records;
        var status = JobStatus.From(records);
        var findings = PostFindings.None;

        if (outcome.Refusal is { } refusal)
        {
            notes.Add(JobNote.Warning($"setup-docker-builder post: {refusal.Message}"));
        }
        else if (!snapshot.IsOwner && snapshot.OwnerSession is not null)
        {
            notes.Add(JobNote.Info("This setup used the job's existing builder; the post step of the setup that started it drains and commits it."));
        }
        else
        {
            findings = PostFindings.From(records, postFrom);
            await ReportOutcomeAsync(snapshot, outcome, status, findings, notes, cancellationToken);
        }

        notes.Add(JobNote.Group("Builder lifecycle (blacksmith status)", StatusText.Render(status)));
        var held = snapshot.IsOwner && !LifecycleMachine.EverythingReleased(snapshot);
        if (held)
        {
            var what = string.Join("; ", JobHoldings.Project(snapshot)?.Describe() ?? []);
            var why = findings.CleanupFailures.Count == 0 ? string.Empty : $" ({string.Join("; ", findings.CleanupFailures)})";
            notes.Add(JobNote.Error(
                $"setup-docker-builder post could not release everything this job held: {what}{why}. Nothing was released or committed under it. "
                + $"This job's claim in {_sides.Claims.Location} keeps naming it: running post again retries, and once this job is over a later job on this machine cleans it up (docs/leftovers.md)."));
        }

        await ExportTraceAsync(request, notes, cancellationToken);
        var end = outcome.Errors.Count == 0 && !held ? StepEnd.Succeeded : StepEnd.Failed;
        return new PostStepResult(end, outcome, notes) { Released = !held };
    }

    /// <summary>Sends the job's trace when the user asked for one; whatever happens, the step's result stays its own.</summary>
    private async Task ExportTraceAsync(PostRequest request, List<JobNote> notes, CancellationToken cancellationToken)
    {
        if (request.TraceProblem is { } problem)
        {
            notes.Add(JobNote.Warning($"setup-docker-builder post did not send the job's trace: {problem}"));
            return;
        }

        if (_sides.TraceExport is not { } export)
        {
            return;
        }

        var result = await export.ExportAsync(request.TraceContext, cancellationToken);
        notes.Add(result.Exported
            ? JobNote.Info($"Trace {result.TraceId} of this job ({result.Spans} spans) sent to {result.Destination}.")
            : JobNote.Warning($"setup-docker-builder post could not send the job's trace to {result.Destination}: {result.Problem}"));
    }

    /// <summary>
    /// Removes what builds killed mid-build left of their secret files (every build of the job is over by post). False,
    /// with an error, when one could not be removed: a secret left on the machine must be seen.
    /// </summary>
    private async Task<bool> RemoveBuildSecretsAsync(string jobDirectory, List<JobNote> notes, CancellationToken cancellationToken)
    {
        if (_sides.Secrets is not { } secrets)
        {
            return true;
        }

        try
        {
            var removed = await secrets.RemoveLeftoversAsync(jobDirectory, cancellationToken);
            if (removed.Count > 0)
            {
                notes.Add(JobNote.Info($"Removed the secret files of {(removed.Count == 1 ? "a build" : $"{removed.Count} builds")} that ended before they could: {string.Join(", ", removed)}"));
            }

            return true;
        }
        catch (ExternalCallException ex)
        {
            notes.Add(JobNote.Error($"setup-docker-builder post could not remove the secret files a build of this job left: {ex.Message}. Remove them by hand."));
            return false;
        }
    }

    /// <summary>
    /// Why this job's journal cannot be trusted (malformed, or behind what its claim names), or null when it can; where
    /// the journal ended before this post; and the cache key its claim names.
    /// </summary>
    private async Task<(string? Problem, long Sequence, string? ClaimedKey)> JournalProblemAsync(string session, string jobDirectory, CancellationToken cancellationToken)
    {
        var claim = (await _sides.Claims.FindAsync(jobDirectory, cancellationToken))?.Claim;
        var key = claim?.Holdings.CacheKey;
        try
        {
            var snapshot = await _lifecycle.LoadAsync(session, cancellationToken);
            return (claim is null ? null : JournalTrust.WhyUnusable(snapshot, claim), snapshot.Sequence, key);
        }
        catch (JournalFormatException ex)
        {
            return ($"it has a malformed record ({ex.Message})", 0, key);
        }
    }

    /// <summary>The journal cannot say what the job holds: release what its claim names (never commit); the step fails.</summary>
    private async Task ReleaseFromClaimAsync(string problem, string? cacheKey, string jobDirectory, List<JobNote> notes, CancellationToken cancellationToken)
    {
        var why = $"this job's journal {_journal.Location} is unusable: {problem}";
        var cleanup = await _sides.Leftovers.CleanAsync(jobDirectory, why, cancellationToken);
        var done = cleanup switch
        {
            null => "this job has no claim naming anything it held, so there was nothing else to release",
            { Complete: true } => $"released what this job's claim named, committing nothing: {string.Join(", ", cleanup.Actions.DefaultIfEmpty("nothing was still held"))}",
            { ClaimKept: true } => $"could not release all this job's claim names ({string.Join("; ", cleanup.Problems)}); the claim is kept for a later cleanup",
            _ => $"could not release all this job's claim names ({string.Join("; ", cleanup.Problems)})",
        };
        notes.Add(JobNote.Error($"setup-docker-builder post: {why}. The cache is not committed; {done}."));
        if (cleanup is { Complete: false })
        {
            await _sides.Failures.SendAsync([new FailureReport(FailureKind.BuilderCleanup, cacheKey ?? string.Empty, "cleanup", string.Join("; ", cleanup.Problems))], cancellationToken);
        }
    }

    private async Task ReportOutcomeAsync(LifecycleSnapshot snapshot, SequenceOutcome outcome, JobStatus status, PostFindings findings, List<JobNote> notes, CancellationToken cancellationToken)
    {
        var key = snapshot.Setup?.CacheKey ?? "-";
        var jobSucceeded = snapshot.EarlierSteps == EarlierStepsResult.Succeeded;
        switch (snapshot.Decision)
        {
            case CommitDecision.Commit when snapshot.CommitAccepted == true:
                notes.Add(JobNote.Info($"Cache: commit requested for key {key}; the store applies it when this job's disk is released."));
                break;
            case CommitDecision.Commit:
                notes.Add(JobNote.Warning($"The cache for key {key} was not committed: the commit request failed ({snapshot.CommitError ?? "no answer"}). The next job starts from the previous commit."));
                break;
            case CommitDecision.Skip { Reason: SkipReason.NoSetup }:
                notes.Add(JobNote.Info("No setup ran in this job: there is nothing to drain, release or commit."));
                break;
            case CommitDecision.Skip skip:
                var message = $"The cache for key {key} was not committed ({LifecycleNames.Of(skip.Reason)}): {skip.Detail}";
                // A green job must not hide a lost cache.
                notes.Add(jobSucceeded ? JobNote.Warning(message) : JobNote.Info(message));
                break;
        }

        if (findings.DaemonGone is { } gone)
        {
            // A daemon that died under the builds is worth knowing about, and its log says why.
            notes.Add(JobNote.Warning($"setup-docker-builder post: {gone}"));
        }

        notes.AddRange(outcome.Errors.Select(error => JobNote.Error($"setup-docker-builder post: {error}")));
        await _sides.Failures.SendAsync(FailureReports.ForPost(snapshot, findings, outcome.Errors), cancellationToken);

        if (status.Timeline.FirstOrDefault(t => t.Trigger == LifecycleTrigger.PostRequested) is { } begun
            && status.Timeline.LastOrDefault(t => t.Trigger == LifecycleTrigger.DaemonStopped) is { } stopped)
        {
            await ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.BuildkitdShutdownDurationMs, (long)(stopped.At - begun.At).TotalMilliseconds), cancellationToken);
        }

        notes.Add(JobNote.Summary(PostSummary(snapshot, status)));
    }

    private static string PostSummary(LifecycleSnapshot snapshot, JobStatus status)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("### Docker builder (setup-docker-builder)");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(inv, $"| Cache key | `{snapshot.Setup?.CacheKey ?? "-"}` ({snapshot.Setup?.Store ?? "-"} store) |");
        text.AppendLine(inv, $"| Builder | `{snapshot.BuilderName ?? "-"}` ({LifecycleNames.Of(snapshot.Mode)}) |");
        text.AppendLine(inv, $"| Builds | {snapshot.Builds.Count} ({snapshot.Builds.Count(b => b.Outcome == BuildOutcome.Failed)} failed) |");
        text.AppendLine(inv, $"| Cache | {StatusText.Describe(status)} |");
        return text.ToString();
    }
}
