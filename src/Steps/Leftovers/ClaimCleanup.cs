using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Release;
using Blacksmith.Steps.Resilience;

namespace Blacksmith.Steps.Leftovers;

/// <summary>
/// Releases what one job's claim names, in the order and under the rules post follows: stop its daemons
/// (<see cref="DaemonStopper"/>), unmount its disk (<see cref="DiskUnmounter"/>) only on evidence that the mount is the
/// job's, and release its exposures unchanged (<see cref="DiskSettlementSender"/>) only once nothing runs on the disk and
/// it is not mounted (<see cref="JobHoldings.MayRelease"/>). Never commits. Used for a job that is over (the sweep, an
/// administrator's request) and by a job's own post when its journal is unusable.
/// </summary>
/// <remarks>
/// Besides what the claim names, it looks for what a job killed between an effect and its record acquired: the
/// buildkitd started with the job's config, and the exposures the store holds for the job's directory. And it removes
/// the secret files of the job's builds that were killed before they could (<see cref="IBuildSecrets"/>), whatever else
/// could or could not be released: a secret must not outlive the job that had it. Right after each
/// release is a kill point (<c>cleanup:daemonStopped</c>, <c>cleanup:unmounted</c>, <c>cleanup:released</c>;
/// <see cref="IFailpoints"/>): a cleanup killed half-way must leave a claim the next one can finish from.
/// </remarks>
internal sealed class ClaimCleanup(
    IBuildkitDaemon daemons,
    IBlockDevice devices,
    DiskUnmounter unmounter,
    IStickyDiskStore? store,
    TimeProvider time,
    LeftoverOptions? options = null,
    IFailpoints? failpoints = null,
    IBuildSecrets? secrets = null)
{
    private readonly LeftoverOptions _options = options ?? new LeftoverOptions();
    private readonly IFailpoints? _failpoints = NoFailpoints.Active(failpoints);

    /// <summary>Cleans up after <paramref name="claim"/>'s job.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="why">Why it may be cleaned up, for the report.</param>
    /// <param name="protectedRoots">BuildKit roots used by jobs that may still run: never unmounted on this claim's word.</param>
    /// <param name="cancellationToken">Cancels the cleanup (the step was cancelled).</param>
    public async Task<LeftoverCleanup> CleanAsync(JobClaim claim, string why, IReadOnlySet<string> protectedRoots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(protectedRoots);
        var report = new Report();
        // The budget runs on the injected clock, like every other deadline of the steps, so that a replay and a test
        // with fake time see it expire when it should.
        using var expired = new CancellationTokenSource(_options.ClaimBudget, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expired.Token);
        try
        {
            // Nothing is unmounted under a daemon that may still run, and nothing released while it may still be mounted.
            var daemonRan = await StopDaemonsAsync(claim, report, budget.Token);
            if (report.Problems.Count == 0 && await UnmountAsync(claim, daemonRan, protectedRoots, report, budget.Token) && report.Problems.Count == 0)
            {
                await ReleaseAsync(claim, report, budget.Token);
            }

            await RemoveSecretsAsync(claim, report, budget.Token);
        }
        catch (OperationCanceledException) when (expired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Only the budget's own expiry is a cleanup that ran out of time; any other cancellation is not ours to swallow.
            report.Problems.Add($"the cleanup did not finish within {JobEnd.Describe(_options.ClaimBudget)}");
        }

        return new LeftoverCleanup(claim.JobDirectory, why, report.Actions, report.Problems, report.Notes);
    }

    /// <summary>The claimed daemon and the one started with the job's config, if either runs. Returns whether one ran.</summary>
    private async Task<bool> StopDaemonsAsync(JobClaim claim, Report report, CancellationToken cancellationToken)
    {
        var holdings = claim.Holdings;
        var found = new List<DaemonIdentity>();
        if (holdings.Daemon is { } recorded)
        {
            found.Add(recorded);
        }

        if (holdings.Root is { } root && await LookAsync(PortCalls.DaemonFindLaunched.Name,
                ct => daemons.FindLaunchedAsync(new DaemonLaunch(holdings.Address ?? string.Empty, root, claim.JobDirectory), ct), report, cancellationToken) is { } launched
            && found.TrueForAll(d => d.Pid != launched.Pid))
        {
            found.Add(launched);
        }

        var ran = false;
        foreach (var daemon in found)
        {
            // The port signals a pid only while it is that process (same start time): a reused pid is never touched.
            var stopped = await DaemonStopper.StopAsync(daemons, daemon, _options.StopGrace, "the cleanup", time, cancellationToken);
            switch (stopped.Outcome)
            {
                case DaemonStopOutcome.Graceful:
                    ran = true;
                    Did(report, $"stopped buildkitd pid {daemon.Pid}", "cleanup:daemonStopped");
                    break;
                case DaemonStopOutcome.Forced:
                    ran = true;
                    Did(report, $"killed buildkitd pid {daemon.Pid} (it ignored SIGTERM for {JobEnd.Describe(_options.StopGrace)})", "cleanup:daemonStopped");
                    break;
                case DaemonStopOutcome.AlreadyGone:
                    break;
                default:
                    report.Problems.Add($"could not stop buildkitd pid {daemon.Pid}: {stopped.Detail}");
                    break;
            }
        }

        return ran;
    }

    /// <summary>
    /// Unmounts the job's root only on evidence that the job mounted it: its device is what is mounted there, or its own
    /// daemon was running on it. True when nothing of the job is mounted any more.
    /// </summary>
    private async Task<bool> UnmountAsync(JobClaim claim, bool daemonRan, IReadOnlySet<string> protectedRoots, Report report, CancellationToken cancellationToken)
    {
        var holdings = claim.Holdings;
        if ((holdings.MountPoint ?? holdings.Root) is not { } root)
        {
            return true;
        }

        string? source;
        try
        {
            source = await Bounded.RunAsync(PortCalls.BlockDeviceMountSource.Name, ct => devices.MountSourceAsync(root, ct), DiskUnmounter.CallDeadline, time, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            report.Problems.Add($"could not tell what is mounted at {root}: {ex.Message}");
            return false;
        }

        if (source is null)
        {
            return true;
        }

        var device = holdings.Device;
        if (protectedRoots.Contains(root))
        {
            // Whose mount it is cannot be told while a job that may still run uses the same root; a later cleanup can.
            report.Problems.Add($"{root} is mounted and a job that may still run uses the same BuildKit root; left mounted for a later cleanup");
            return false;
        }

        if (device is null ? !daemonRan : !string.Equals(source, device, StringComparison.Ordinal))
        {
            report.Notes.Add(device is null
                ? $"{root} is mounted ({source}), but nothing shows this job mounted it"
                : $"{root} is mounted from {source}, not from this job's disk {device}");
            return true;
        }

        var unmounted = await unmounter.UnmountAsync(root, device, cancellationToken);
        if (unmounted.StillMounted ?? !unmounted.Clean)
        {
            report.Problems.Add($"could not unmount {root}: {unmounted.Detail}");
            return false;
        }

        Did(report, $"unmounted {root} ({source})", "cleanup:unmounted");
        return true;
    }

    /// <summary>Gives the job's exposures back to the store unchanged: the claimed one, and any the store holds for the job.</summary>
    private async Task ReleaseAsync(JobClaim claim, Report report, CancellationToken cancellationToken)
    {
        var holdings = claim.Holdings;
        if (store is null || (holdings.Store is { } kind && kind != store.Kind))
        {
            if (holdings.ExposeId is { } other)
            {
                report.Notes.Add($"exposure {other} is in the {holdings.Store} store, which this job does not use; release it with that store (`blacksmith store gc --abandoned-after` for a local one)");
            }

            return;
        }

        var exposures = new List<string>();
        if (holdings.ExposeId is { Length: > 0 } claimed)
        {
            exposures.Add(claimed);
        }

        foreach (var held in await LookAsync<IReadOnlyList<ExposedDisk>>(PortCalls.StickyDiskFindExposures.Name, async ct => await store.FindExposuresAsync(claim.JobDirectory, ct), report, cancellationToken) ?? [])
        {
            if (!exposures.Contains(held.ExposeId, StringComparer.Ordinal))
            {
                exposures.Add(held.ExposeId);
            }
        }

        foreach (var exposeId in exposures)
        {
            try
            {
                var settled = await DiskSettlementSender.SendAsync(store, new DiskSettlement(exposeId, holdings.CacheKey ?? string.Empty, Commit: false, FsUsageBytes: null), time, cancellationToken);
                switch (settled)
                {
                    // Said as it was: a job killed right after its commit reached the store left the claim naming an
                    // exposure that is now the key's newest generation, which a release does not undo.
                    case SettleOutcome.AlreadyCommitted:
                        report.Notes.Add($"exposure {exposeId} had already been committed, so there was nothing to release");
                        break;
                    case SettleOutcome.NotHeld:
                        report.Notes.Add($"exposure {exposeId} was no longer held by the store, so there was nothing to release");
                        break;
                    default:
                        Did(report, $"released its disk unchanged (exposure {exposeId})", "cleanup:released");
                        break;
                }
            }
            catch (ExternalCallException ex)
            {
                report.Problems.Add($"could not release exposure {exposeId}: {ex.Message}");
            }
        }
    }

    /// <summary>The secret files of the job's builds that were killed before they could remove them.</summary>
    private async Task RemoveSecretsAsync(JobClaim claim, Report report, CancellationToken cancellationToken)
    {
        if (secrets is null)
        {
            return;
        }

        var removed = await LookAsync<IReadOnlyList<string>>("buildsecrets.remove", async ct => await secrets.RemoveLeftoversAsync(claim.JobDirectory, ct), report, cancellationToken);
        if (removed is { Count: > 0 })
        {
            report.Actions.Add(removed.Count == 1
                ? $"removed the secret files a build left ({removed[0]})"
                : $"removed the secret files {removed.Count} builds left ({string.Join(", ", removed)})");
        }
    }

    private void Did(Report report, string action, string point)
    {
        report.Actions.Add(action);
        _failpoints?.Reached(point);
    }

    private async Task<T?> LookAsync<T>(string operation, Func<CancellationToken, Task<T?>> look, Report report, CancellationToken cancellationToken)
    {
        try
        {
            return await Bounded.RunAsync(operation, look, DiskUnmounter.CallDeadline, time, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            report.Problems.Add($"{operation} failed: {ex.Message}");
            return default;
        }
    }

    private sealed class Report
    {
        public List<string> Actions { get; } = [];

        public List<string> Problems { get; } = [];

        public List<string> Notes { get; } = [];
    }
}
