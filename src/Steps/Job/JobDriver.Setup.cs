using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Setup;

namespace Blacksmith.Steps.Job;

public sealed partial class JobDriver
{
    /// <summary>
    /// setup-docker-builder's main step once its inputs are checked and its session saved: the feature's metric, the
    /// fork check, the sweep after earlier jobs, the setup sequence, and what its outcome means. On a Blacksmith runner
    /// a setup that failed is reported to the control plane (<see cref="FailureReports.ForSetup"/>); a refusal is bad
    /// input and is not.
    /// </summary>
    public async Task<SetupStepResult> SetupAsync(SetupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var notes = new List<JobNote>();
        await ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.FeatureUsage, 1), cancellationToken);
        var fork = _sides.Fork.Check();
        if (fork.Problem is { } problem)
        {
            notes.Add(JobNote.Warning(problem));
        }

        // Before the sequence: it would attach to a daemon an earlier, killed job left at this address.
        using (EffectScope.Enter(request.Session))
        {
            await _sides.Leftovers.SweepAsync(request.Daemon.JobDirectory, cancellationToken);
        }

        var daemon = request.Daemon;
        var plan = new SetupPlan(
            request.Session,
            new SetupFacts(request.CacheKey, request.Store ?? _store.Value.Kind, request.Commit, fork.IsFork, request.ReleaseOnSkip, request.MaxCacheSizeMegabytes, daemon.Root, daemon.Address),
            daemon.Root,
            daemon,
            request.ReadyBudget,
            AllowFallback: !request.NoFallback);
        var outcome = await _sequences.Setup.RunAsync(plan, cancellationToken);
        var snapshot = outcome.Snapshot;
        if (outcome.Refusal is { } refusal)
        {
            notes.Add(JobNote.Error($"setup-docker-builder: {Refusal(refusal, request.CacheKey)}"));
            return new SetupStepResult(StepEnd.BadInput, outcome, notes);
        }

        if (DaemonLogIfNeverReady(snapshot) is { } tail)
        {
            notes.Add(tail);
        }

        var reports = FailureReports.ForSetup(snapshot, outcome.Errors);
        switch (snapshot)
        {
            // First: an attached session sees the job's builder, whose mode is the first setup's (sticky disk), not its own.
            case { State: LifecycleState.Ready or LifecycleState.Building, IsAttachedSession: true }:
                notes.Add(JobNote.Info($"This job already has a builder ({snapshot.BuilderName}); using it. Its first setup's post step drains and commits it."));
                break;
            case { State: LifecycleState.Ready or LifecycleState.Building, Mode: BuilderMode.Attached }:
                notes.Add(JobNote.Warning(
                    $"setup-docker-builder found a buildkitd this job did not start at {daemon.Address} and uses it as builder {snapshot.BuilderName}, WITHOUT the sticky-disk cache: no disk was mounted, no daemon started, and nothing will be committed. Stop that daemon (or set BLACKSMITH_BUILDKIT_ADDRESS) to get the cache."));
                break;
            case { State: LifecycleState.Ready, Mode: BuilderMode.StickyDisk }:
                notes.Add(JobNote.Info($"Builder {snapshot.BuilderName} is ready: BuildKit at {daemon.Address}, cache on the sticky disk ({(snapshot.Disk.Formatted ? "a new, empty disk" : "warm from the last commit")})."));
                await ReportSetupMetricsAsync(request.Session, cancellationToken);
                break;
            case { Mode: BuilderMode.Fallback }:
                notes.Add(JobNote.Warning(
                    $"setup-docker-builder fell back to builder {snapshot.BuilderName} WITHOUT the sticky-disk cache: {snapshot.SetupFailure}. Builds will work but start cold, and nothing will be committed. Set nofallback: true to fail instead."));
                break;
            default:
                notes.Add(JobNote.Error(request.NoFallback
                    ? $"setup-docker-builder failed and nofallback is set: {snapshot.SetupFailure ?? snapshot.State.ToString()}"
                    : $"setup-docker-builder failed, and so did the fallback builder: {snapshot.SetupFailure ?? snapshot.State.ToString()}{string.Concat(outcome.Errors.Select(e => $"; {e}"))}"));
                await _sides.Failures.SendAsync(reports, cancellationToken);
                return new SetupStepResult(StepEnd.Failed, outcome, notes);
        }

        await _sides.Failures.SendAsync(reports, cancellationToken);
        notes.Add(JobNote.Output("job-dir", daemon.JobDirectory));
        // Where this job's own daemon is; a fallback builder is elsewhere, and a foreign daemon has no disk of ours.
        if (snapshot.Mode is BuilderMode.StickyDisk or BuilderMode.Attached)
        {
            notes.Add(JobNote.Output("buildkit-address", daemon.Address));
        }

        if (snapshot.Mode is BuilderMode.StickyDisk)
        {
            notes.Add(JobNote.Output("buildkit-root", daemon.Root));
        }

        if (snapshot.BuilderName is { } name)
        {
            notes.Add(JobNote.Output("name", name));
        }

        return new SetupStepResult(StepEnd.Succeeded, outcome, notes);
    }

    /// <summary>What the lifecycle refused, in the user's terms where it knows them.</summary>
    private static string Refusal(LifecycleResult.Refused refusal, string cacheKey) =>
        refusal is { Trigger: LifecycleTrigger.SessionAttached, Snapshot.Setup.CacheKey: { } running } && running != cacheKey
            ? $"this job already has a builder ({refusal.Snapshot.BuilderName ?? "being set up"}) for cache key '{running}', started by an earlier "
                + $"setup-docker-builder step, and this step asks for cache key '{cacheKey}'. A job has one builder and one cache: give this step "
                + $"the same cache-key as the first ('{running}'), or leave both at their default, or move the build that needs '{cacheKey}' to a job of its own."
            : refusal.Message;

    /// <summary>
    /// A daemon that was spawned and never answered (it exited, or readiness ran out of time) explains itself in its log:
    /// its last lines go into the job log, where the user looks, rather than only into the job directory.
    /// </summary>
    private JobNote? DaemonLogIfNeverReady(LifecycleSnapshot snapshot)
    {
        if (!snapshot.IsOwner || !snapshot.SetupFailed || snapshot.DaemonReady || snapshot.Daemon is not { LogPath: { } log })
        {
            return null;
        }

        var tail = _sides.DaemonLog.ReadTail(log);
        return JobNote.Group($"buildkitd never became ready; the last lines of its log ({log})", tail.Count == 0 ? $"{log} is empty or missing." : string.Join('\n', tail));
    }

    /// <summary>Hotload (setup start to disk mounted) and daemon readiness (spawn to ready), from the journal's own timestamps.</summary>
    private async Task ReportSetupMetricsAsync(string session, CancellationToken cancellationToken)
    {
        if (!_sides.Reporting.Metrics)
        {
            return;
        }

        var read = await _journal.ReadAsync(0, cancellationToken);
        var timeline = JobStatus.From(read.Records).Timeline.Where(t => t.Session == session).ToList();
        DateTimeOffset? At(LifecycleTrigger trigger) => timeline.LastOrDefault(t => t.Trigger == trigger)?.At;
        if (At(LifecycleTrigger.SetupStarted) is { } started && At(LifecycleTrigger.DiskMounted) is { } mounted)
        {
            await ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.HotloadDurationMs, (long)(mounted - started).TotalMilliseconds), cancellationToken);
        }

        if (At(LifecycleTrigger.DaemonSpawned) is { } spawned && At(LifecycleTrigger.DaemonReady) is { } ready)
        {
            await ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.BuildkitdReadyDurationMs, (long)(ready - spawned).TotalMilliseconds), cancellationToken);
        }
    }
}
