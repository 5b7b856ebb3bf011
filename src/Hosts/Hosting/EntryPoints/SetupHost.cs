using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Setup;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// setup-docker-builder's main step: reads and checks the inputs, runs the setup sequence, and tells the user what
/// they got (their builder, or a fallback without the cache, loudly). Holds no lifecycle rule: the sequence and
/// the machine decide; this reads, sends and reports. On a Blacksmith runner, a setup that failed is reported to the
/// control plane (<see cref="FailureReports.ForSetup"/>); a refusal is bad input and is not.
/// </summary>
public sealed class SetupHost(
    ICiRuntime ci,
    IEnvironmentReader environment,
    SetupSequence sequence,
    IStickyDiskStore store,
    IJournalStore journal,
    IBuilderInspector builders,
    HostSettings settings,
    LeftoverSweep leftovers,
    FailureReporter failures)
{
    /// <summary>The state name under which main leaves its session for post.</summary>
    public const string SessionState = "session";

    /// <param name="inputs">Read and checked by the caller (<see cref="SetupInputs.Read"/>) before the adapters were built.</param>
    /// <param name="session">This setup's session id.</param>
    /// <param name="cancellationToken">Cancels the setup (the step was cancelled).</param>
    public async Task<int> RunAsync(SetupInputs inputs, string session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (LeftoverSettings.Problem(environment.Read) is { } badDuration)
        {
            // Before anything is saved or acquired: the sweep below would judge other jobs by this value.
            ci.Annotate(AnnotationKind.Error, badDuration);
            return ExitCodes.BadInput;
        }

        if (settings.Problem is { } unusable)
        {
            // Bad input, refused before any effect: no metric, no sweep, no claim.
            ci.Annotate(AnnotationKind.Error, $"setup-docker-builder: {unusable}");
            return ExitCodes.BadInput;
        }

        foreach (var warning in inputs.Warnings)
        {
            ci.Annotate(AnnotationKind.Warning, warning);
        }

        await HostMetrics.ReportAsync(store, new StickyDiskMetric(StickyDiskMetricKind.FeatureUsage, 1), cancellationToken);
        var cacheKey = inputs.CacheKey ?? DefaultCacheKey.From(environment, settings.Architecture);
        ci.Info(inputs.CacheKey is null
            ? $"Cache key: {cacheKey} (the default: repository, workflow, job and architecture; set cache-key to choose one)"
            : $"Cache key: {cacheKey}");
        var fork = ci.Kind == CiKind.GitHubActions && ForkPullRequest.Detect(environment, out var forkProblem) is var isFork
            ? (isFork, forkProblem)
            : (false, null);
        if (fork.forkProblem is { } problem)
        {
            ci.Annotate(AnnotationKind.Warning, problem);
        }

        // Saved before anything is acquired, so that a post after a setup killed half-way finds what to release; and saved
        // once per state: where the job's setups share one (outside GitHub Actions), a later setup never replaces the
        // first's, and post drains as the builder's owner whatever the state says (PostSession).
        if (ci.GetState(SessionState) is null)
        {
            ci.SaveState(SessionState, session);
        }

        // Before the sequence: it would attach to a daemon an earlier, killed job left at this address.
        using (EffectScope.Enter(session))
        {
            await leftovers.SweepAsync(settings.JobDirectory, cancellationToken);
        }

        var plan = new SetupPlan(
            session,
            new SetupFacts(cacheKey, store.Kind, inputs.Commit, fork.isFork, MaxCacheSizeMegabytes: inputs.MaxCacheSizeMb, Root: settings.MountPoint, Address: settings.DaemonAddress),
            settings.MountPoint,
            new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, settings.JobDirectory),
            settings.Budgets.DaemonReady,
            AllowFallback: !inputs.NoFallback);
        var outcome = await sequence.RunAsync(plan, cancellationToken);
        var snapshot = outcome.Snapshot;

        if (outcome.Refusal is { } refusal)
        {
            ci.Annotate(AnnotationKind.Error, $"setup-docker-builder: {Refusal(refusal, cacheKey)}");
            return ExitCodes.BadInput;
        }

        ShowDaemonLogIfNeverReady(snapshot);
        var reports = FailureReports.ForSetup(snapshot, outcome.Errors);

        switch (snapshot)
        {
            // First: an attached session sees the job's builder, whose mode is the first setup's (sticky disk), not its own.
            case { State: LifecycleState.Ready or LifecycleState.Building, IsAttachedSession: true }:
                ci.Info($"This job already has a builder ({snapshot.BuilderName}); using it. Its first setup's post step drains and commits it.");
                break;
            case { State: LifecycleState.Ready or LifecycleState.Building, Mode: BuilderMode.Attached }:
                ci.Annotate(AnnotationKind.Warning,
                    $"setup-docker-builder found a buildkitd this job did not start at {settings.DaemonAddress} and uses it as builder {snapshot.BuilderName}, WITHOUT the sticky-disk cache: no disk was mounted, no daemon started, and nothing will be committed. Stop that daemon (or set BLACKSMITH_BUILDKIT_ADDRESS) to get the cache.");
                break;
            case { State: LifecycleState.Ready, Mode: BuilderMode.StickyDisk }:
                ci.Info($"Builder {snapshot.BuilderName} is ready: BuildKit at {settings.DaemonAddress}, cache on the sticky disk ({(snapshot.Disk.Formatted ? "a new, empty disk" : "warm from the last commit")}).");
                await ReportSetupMetricsAsync(session, cancellationToken);
                break;
            case { Mode: BuilderMode.Fallback }:
                ci.Annotate(AnnotationKind.Warning,
                    $"setup-docker-builder fell back to builder {snapshot.BuilderName} WITHOUT the sticky-disk cache: {snapshot.SetupFailure}. Builds will work but start cold, and nothing will be committed. Set nofallback: true to fail instead.");
                break;
            default:
                ci.Annotate(AnnotationKind.Error, inputs.NoFallback
                    ? $"setup-docker-builder failed and nofallback is set: {snapshot.SetupFailure ?? snapshot.State.ToString()}"
                    : $"setup-docker-builder failed, and so did the fallback builder: {snapshot.SetupFailure ?? snapshot.State.ToString()}{string.Concat(outcome.Errors.Select(e => $"; {e}"))}");
                await failures.SendAsync(reports, cancellationToken);
                return ExitCodes.Failed;
        }

        await failures.SendAsync(reports, cancellationToken);

        ci.SetOutput("job-dir", settings.JobDirectory);
        // Where this job's own daemon is; a fallback builder is elsewhere, and a foreign daemon has no disk of ours.
        if (snapshot.Mode is BuilderMode.StickyDisk or BuilderMode.Attached)
        {
            ci.SetOutput("buildkit-address", settings.DaemonAddress);
        }

        if (snapshot.Mode is BuilderMode.StickyDisk)
        {
            ci.SetOutput("buildkit-root", settings.MountPoint);
        }

        if (snapshot.BuilderName is { } name)
        {
            ci.SetOutput("name", name);
            await SetBuilderOutputsAsync(name, cancellationToken);
        }

        return ExitCodes.Success;
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
    private void ShowDaemonLogIfNeverReady(LifecycleSnapshot snapshot)
    {
        if (!snapshot.IsOwner || !snapshot.SetupFailed || snapshot.DaemonReady || snapshot.Daemon is not { LogPath: { } log })
        {
            return;
        }

        var tail = BuildkitDaemon.ReadLogTail(log);
        using (ci.Group($"buildkitd never became ready; the last lines of its log ({log})"))
        {
            ci.Info(tail.Count == 0 ? $"{log} is empty or missing." : string.Join('\n', tail));
        }
    }

    /// <summary>driver, platforms and nodes, as setup-buildx-action sets them from the builder's inspect.</summary>
    private async Task SetBuilderOutputsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (output, value) in BuilderOutputs.From(await builders.InspectAsync(name, cancellationToken)))
            {
                ci.SetOutput(output, value);
            }
        }
        catch (ExternalCallException ex)
        {
            // The builder works (setup checked it); only its description is missing, which no build needs.
            ci.Info($"The driver, platforms and nodes outputs are not set: {ex.Message}");
        }
    }

    /// <summary>Hotload (setup start to disk mounted) and daemon readiness (spawn to ready), from the journal's own timestamps.</summary>
    private async Task ReportSetupMetricsAsync(string session, CancellationToken cancellationToken)
    {
        var read = await journal.ReadAsync(0, cancellationToken);
        var timeline = JobStatus.From(read.Records).Timeline.Where(t => t.Session == session).ToList();
        DateTimeOffset? At(LifecycleTrigger trigger) => timeline.LastOrDefault(t => t.Trigger == trigger)?.At;
        if (At(LifecycleTrigger.SetupStarted) is { } started && At(LifecycleTrigger.DiskMounted) is { } mounted)
        {
            await HostMetrics.ReportAsync(store, new StickyDiskMetric(StickyDiskMetricKind.HotloadDurationMs, (long)(mounted - started).TotalMilliseconds), cancellationToken);
        }

        if (At(LifecycleTrigger.DaemonSpawned) is { } spawned && At(LifecycleTrigger.DaemonReady) is { } ready)
        {
            await HostMetrics.ReportAsync(store, new StickyDiskMetric(StickyDiskMetricKind.BuildkitdReadyDurationMs, (long)(ready - spawned).TotalMilliseconds), cancellationToken);
        }
    }
}
