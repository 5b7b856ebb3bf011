using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>
/// Cleans up after earlier jobs on this machine that were killed before their post step ran: for each claim whose
/// owner is gone, stops its buildkitd (only while it is provably that process), unmounts its BuildKit root, releases
/// its disk unchanged, and deletes the claim. Runs before setup, because setup attaches to any daemon that answers at
/// the job's address. A job whose owner lives is left alone. Nothing here fails setup: problems come back as words.
/// </summary>
/// <remarks>
/// The daemon, device and store given here are the undecorated adapters: this is not the job's lifecycle, so it is not
/// replayed; each cleanup is journaled as one <c>leftovers.clean</c> effect instead.
/// </remarks>
public sealed class LeftoverSweeper(
    JobClaims claims,
    IBuildkitDaemon daemons,
    IBlockDevice devices,
    IStickyDiskStore? store,
    IEffectRecorder recorder,
    ILogger<LeftoverSweeper> logger,
    TimeProvider time,
    LeftoverSweepOptions? options = null)
{
    /// <summary>The port name of the journaled cleanups.</summary>
    public const string Port = "leftovers";

    private const string DaemonName = "buildkitd";

    // A mount no job can attribute to the dead one: reported once, since a later sweep would know no more.
    private const string Unattributable = "nothing shows the earlier job mounted it";
    private readonly LeftoverSweepOptions _options = options ?? new LeftoverSweepOptions();

    /// <summary>Cleans up after every earlier job of this machine that did not finish, except <paramref name="jobDirectory"/>'s own.</summary>
    /// <returns>What was done, one entry per earlier job that needed it.</returns>
    public async Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        var self = Path.GetFullPath(jobDirectory);
        IReadOnlyList<StoredClaim> stored;
        try
        {
            if (claims.CheckPrivate() is { } unsafeDirectory)
            {
                LeftoversLog.Problem(logger, $"the claims are not acted on: {unsafeDirectory}");
                return [];
            }

            stored = claims.ReadAll();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LeftoversLog.Problem(logger, $"could not read the claims in {claims.Directory}: {ex.Message}");
            return [];
        }

        var boot = JobClaims.CurrentBootId();
        var leftovers = new List<(string Path, JobClaim Claim)>();
        // Roots in use by a job that still runs (this one included): never unmounted on another claim's word.
        var protectedRoots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in stored)
        {
            if (file.Claim is not { } claim)
            {
                LeftoversLog.Problem(logger, $"{file.Path} is not a claim and is left alone: {file.Problem}");
                continue;
            }

            if (claim.BootId != boot)
            {
                // Nothing a claim from another boot names can still run or be mounted.
                TryDelete(file.Path);
                LeftoversLog.EarlierBoot(logger, claim.JobDirectory);
                continue;
            }

            if (Path.GetFullPath(claim.JobDirectory) == self || JobOwner.IsAlive(claim.Owner))
            {
                protectedRoots.Add(Path.GetFullPath(claim.Root));
                if (Path.GetFullPath(claim.JobDirectory) != self)
                {
                    LeftoversLog.OwnerAlive(logger, claim.JobDirectory, claim.Owner.Command, claim.Owner.Pid);
                }

                continue;
            }

            leftovers.Add((file.Path, claim));
        }

        var cleanups = new List<LeftoverCleanup>();
        foreach (var (path, claim) in leftovers)
        {
            var cleanup = await CleanAsync(path, claim, protectedRoots, cancellationToken);
            cleanups.Add(cleanup);
            var summary = cleanup.Describe();
            if (cleanup.Problems.Count == 0)
            {
                LeftoversLog.Cleaned(logger, summary);
            }
            else
            {
                LeftoversLog.CleanedPartly(logger, summary);
            }
        }

        return cleanups;
    }

    private async Task<LeftoverCleanup> CleanAsync(string path, JobClaim claim, HashSet<string> protectedRoots, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var actions = new List<string>();
        var problems = new List<string>();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_options.ClaimBudget);
        var root = Path.GetFullPath(claim.Root);
        try
        {
            var daemonsFound = await StopDaemonsAsync(claim, actions, problems, budget.Token);
            var unmounted = await UnmountAsync(claim, root, daemonsFound, protectedRoots, actions, problems, budget.Token);
            if (unmounted && problems.Count == 0)
            {
                await ReleaseAsync(claim, actions, problems, budget.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problems.Add($"the cleanup did not finish within {_options.ClaimBudget.TotalSeconds:0.#} s");
        }

        // Kept only while a later job could do better: a mount nobody can attribute stays unattributable.
        if (problems.TrueForAll(p => p.Contains(Unattributable, StringComparison.Ordinal)))
        {
            TryDelete(path);
        }

        await RecordAsync(claim, actions, problems, started);
        return new LeftoverCleanup(claim.JobDirectory, actions, problems);
    }

    /// <summary>
    /// The claimed daemon, and any buildkitd whose command line names the job's config file (a setup killed between
    /// spawn and the claim's update never recorded its daemon). Returns whether one was found at all.
    /// </summary>
    private async Task<bool> StopDaemonsAsync(JobClaim claim, List<string> actions, List<string> problems, CancellationToken cancellationToken)
    {
        var found = new Dictionary<int, ClaimedProcess>();
        if (claim.Daemon is { } recorded && ProcStat.TryRead(recorded.Pid) is { HasExited: false } stat
            && stat.StartTimeTicks == recorded.StartTimeTicks && stat.Command == DaemonName)
        {
            found[recorded.Pid] = recorded;
        }

        var config = Path.Combine(Path.GetFullPath(claim.JobDirectory), BuildkitDaemon.ConfigFileName);
        foreach (var process in ProcessTree.Descendants(0))
        {
            if (process.Command == DaemonName && !process.HasExited && !found.ContainsKey(process.Pid)
                && ProcessTree.CommandLine(process.Pid).Contains(config, StringComparer.Ordinal))
            {
                found[process.Pid] = new ClaimedProcess(process.Pid, process.StartTimeTicks, process.Command);
            }
        }

        foreach (var process in found.Values)
        {
            var identity = new DaemonIdentity(process.Pid, process.StartTimeTicks, claim.Address, Root: claim.Root);
            try
            {
                var delivery = await daemons.SignalAsync(identity, DaemonSignal.Terminate, cancellationToken);
                if (delivery == SignalDelivery.AlreadyGone || await daemons.WaitForExitAsync(identity, _options.StopGrace, cancellationToken))
                {
                    actions.Add($"stopped buildkitd pid {process.Pid}");
                    continue;
                }

                _ = await daemons.SignalAsync(identity, DaemonSignal.Kill, cancellationToken);
                if (await daemons.WaitForExitAsync(identity, _options.KillWait, cancellationToken))
                {
                    actions.Add($"killed buildkitd pid {process.Pid} (it ignored SIGTERM for {_options.StopGrace.TotalSeconds:0.#} s)");
                }
                else
                {
                    problems.Add($"buildkitd pid {process.Pid} is still running after SIGKILL");
                }
            }
            catch (ExternalCallException ex)
            {
                problems.Add($"could not stop buildkitd pid {process.Pid}: {ex.Message}");
            }
        }

        return found.Count > 0;
    }

    /// <summary>
    /// Unmounts the root only on evidence that the earlier job mounted it (its recorded device, or its daemon running
    /// on it), and never while a job that still runs uses the same root. True when nothing of the job is mounted now.
    /// </summary>
    private async Task<bool> UnmountAsync(
        JobClaim claim, string root, bool daemonFound, HashSet<string> protectedRoots, List<string> actions, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            if (!await devices.IsMountedAsync(root, cancellationToken))
            {
                return true;
            }

            if (protectedRoots.Contains(root))
            {
                // Whose mount it is cannot be told while a running job uses the same root; once that job is gone, a
                // later sweep can.
                problems.Add($"{root} is mounted and a job that still runs uses the same BuildKit root; left mounted for a later job to clean up");
                return false;
            }

            if (claim.Device is null && !daemonFound)
            {
                problems.Add($"{root} is mounted, but {Unattributable} (it was killed before setup ended, or used a daemon it did not start); left mounted");
                return false;
            }

            await devices.UnmountAsync(root, cancellationToken);
            actions.Add(claim.Device is { } device ? $"unmounted {root} ({device})" : $"unmounted {root}");
            return true;
        }
        catch (ExternalCallException ex)
        {
            problems.Add($"could not unmount {root}: {ex.Message}");
            return false;
        }
    }

    /// <summary>Gives the earlier job's disk back to the store unchanged (its loop device and clone, with the local store).</summary>
    private async Task ReleaseAsync(JobClaim claim, List<string> actions, List<string> problems, CancellationToken cancellationToken)
    {
        if (store is null || claim.ExposeId is not { Length: > 0 } exposeId || claim.StoreKind != store.Kind)
        {
            return;
        }

        try
        {
            await store.SettleAsync(new DiskSettlement(exposeId, claim.CacheKey ?? string.Empty, Commit: false, FsUsageBytes: null), cancellationToken);
            actions.Add($"released its disk unchanged (exposure {exposeId})");
        }
        catch (ExternalCallException ex)
        {
            problems.Add($"could not release exposure {exposeId}: {ex.Message}");
        }
    }

    private async Task RecordAsync(JobClaim claim, List<string> actions, List<string> problems, long started)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["jobDirectory"] = claim.JobDirectory,
            ["root"] = claim.Root,
            ["actions"] = string.Join(", ", actions),
        };
        var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var effect = problems.Count == 0
            ? new EffectRecord(Port, "clean", arguments, EffectOutcome.Succeeded, elapsed)
            : new EffectRecord(Port, "clean", arguments, EffectOutcome.Failed, elapsed, ErrorKind: nameof(ExternalErrorKind.Failed), Message: string.Join("; ", problems));
        await recorder.RecordAsync(effect, CancellationToken.None);
    }

    private void TryDelete(string path)
    {
        try
        {
            _ = claims.DeleteFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LeftoversLog.Problem(logger, $"could not delete the claim {path}: {ex.Message}");
        }
    }
}
