using System.Globalization;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Recording;
using Blacksmith.Steps.Release;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Replay;

/// <summary>
/// The cleanup after earlier jobs that a replayed setup runs before its sequence, where and as the setup host runs it
/// (<c>SetupHost</c>): the same <see cref="LeftoverSweep"/> and <see cref="ClaimCleanup"/>, over the replay's machine
/// (<see cref="ScriptedClaimRegistry"/>, <see cref="ScriptedMachineFacts"/>) and the scripted world's daemon, block-device
/// and store ports, under the setup's session. As in the host, its calls are not journaled one by one (the journal gets
/// one <c>leftovers.clean</c> record per cleanup, which a recorded journal's replay skips); <see cref="SweepLog"/> keeps
/// them, and each claim's share of them becomes one <see cref="ReplayLeftover"/> of the report.
/// </summary>
internal sealed class SweepReplay : IJobSweep
{
    private readonly ScriptedWorld _world;
    private readonly ScriptedClaimRegistry _claims;
    private readonly SweepLog _log;
    private readonly LeftoverSweep _sweep;
    private readonly DateTimeOffset _start;
    private readonly List<ReplayLeftover> _leftovers = [];
    private Pending? _pending;
    private (int Host, string Session)? _next;

    public SweepReplay(IServiceProvider services, Scenario scenario, ScriptedWorld world, VirtualTime clock)
    {
        _world = world;
        _start = scenario.Start;
        _log = new SweepLog(services.GetRequiredService<IEffectRecorder>(), world, clock);
        _claims = new ScriptedClaimRegistry(world, scenario.Machine);
        var calls = new EffectCalls(_log, clock);
        var device = new RecordingBlockDevice(new ScriptedBlockDevice(world), calls);
        var options = scenario.MaxJobDuration is { } max ? new LeftoverOptions { MaxJobDuration = max } : new LeftoverOptions();
        var cleanup = new ClaimCleanup(
            new RecordingBuildkitDaemon(new ScriptedBuildkitDaemon(world), calls),
            device,
            new DiskUnmounter(device, clock, services.GetRequiredService<ILogger<DiskUnmounter>>()),
            new RecordingStickyDiskStore(new ScriptedStickyDiskStore(world), calls),
            clock,
            options);
        _sweep = new LeftoverSweep(_claims, new ScriptedMachineFacts(world, scenario.Machine), cleanup, _log, clock, services.GetRequiredService<ILogger<LeftoverSweep>>(), options);
    }

    /// <summary>The replay's machine: every job's claim, as the sweep sees and changes them.</summary>
    public IClaimRegistry Claims => _claims;

    /// <summary>The setup host the job driver's next sweep (<see cref="SweepAsync"/>) belongs to.</summary>
    public void Prepare(int host, string session) => _next = (host, session);

    /// <summary>The job driver's sweep before a setup: run and observed as the host at <see cref="Prepare"/>'s position.</summary>
    public async Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        var (host, session) = _next ?? throw new InvalidOperationException("The replay ran a sweep no setup host prepared.");
        _next = null;
        await RunAsync(host, session);
        return _pending?.Cleanups ?? [];
    }

    /// <summary>A post's release from its claim when its journal is unusable: the sweep's own cleanup, unobserved.</summary>
    public Task<LeftoverCleanup?> CleanAsync(string jobDirectory, string why, CancellationToken cancellationToken) =>
        _sweep.CleanAsync(jobDirectory, why, cancellationToken);

    /// <summary>What every sweep of the job did, claim by claim.</summary>
    public IReadOnlyList<ReplayLeftover> Leftovers => _leftovers;

    /// <summary>Runs the sweep of the setup at position <paramref name="host"/>; <see cref="Finish"/> then tells what it did, whatever became of the host.</summary>
    public async Task RunAsync(int host, string session)
    {
        // The verdicts the sweep is about to reach, read the way `blacksmith leftovers` reads them: no port call, no change.
        var reviews = await _sweep.ReviewAsync(CancellationToken.None);
        var seen = reviews
            .Where(r => r.Stored.Claim is not null && r.Verdict is not null)
            .Select(r => new Seen(r.Stored.Claim!, r.Verdict!, _world.HeldFor(r.Stored.Claim!), _claims.IsReported(r.Stored.Claim!.JobDirectory)))
            .ToList();
        _pending = new Pending(host, session, seen, _log.Count);
        using (_world.Sweeping())
        {
            _pending.Cleanups = await _sweep.SweepAsync(ReplayRunner.JobDirectory, CancellationToken.None);
        }
    }

    /// <summary>After the setup host ended (completed, killed, hung or diverged): what its sweep did, if it ran one.</summary>
    public void Finish()
    {
        if (_pending is not { } pending)
        {
            return;
        }

        _pending = null;
        var records = _log.Since(pending.FirstRecord);
        var ends = records.Select((r, i) => (r, i)).Where(x => x.r.EndsACleanup).Select(x => x.i).ToList();
        var over = 0;
        foreach (var seen in pending.Seen)
        {
            if (!seen.Verdict.Over)
            {
                _leftovers.Add(LeftAlone(pending, seen, records));
                continue;
            }

            // The sweep cleans the claims it takes as over one after another, in the order it listed them: the calls up to
            // each leftovers.clean record are that claim's, and those after the last one belong to the claim a stopped host
            // was cleaning.
            var from = over == 0 ? 0 : over - 1 < ends.Count ? ends[over - 1] + 1 : records.Count;
            var end = over < ends.Count ? ends[over] : (int?)null;
            var calls = records.Take(end ?? records.Count).Skip(from).ToList();
            if (end is { } e && records[e].Effect.Arguments.GetValueOrDefault("jobDirectory") != seen.Claim.JobDirectory)
            {
                throw new InvalidOperationException($"The sweep cleaned up after {records[e].Effect.Arguments.GetValueOrDefault("jobDirectory")} where {seen.Claim.JobDirectory} was expected: the replay's attribution of calls to claims is wrong.");
            }

            _leftovers.Add(Cleaned(pending, seen, calls, end is { } done ? records[done].Effect : null, pending.Cleanups is { } all ? all[over] : null));
            over++;
        }
    }

    /// <summary>
    /// A job that may still run. Its calls are whatever the sweep did to what it holds (a signal to its daemon, an unmount of
    /// its root, a settlement of its exposure) while cleaning up after others: nothing, unless the sweep is wrong.
    /// </summary>
    private ReplayLeftover LeftAlone(Pending pending, Seen seen, IReadOnlyList<SweepLog.Entry> records)
    {
        var holdings = seen.Claim.Holdings;
        var pids = seen.Held.Daemons.Append(holdings.Daemon?.Pid ?? 0).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        var exposures = seen.Held.Exposures.Append(holdings.ExposeId ?? string.Empty).ToHashSet(StringComparer.Ordinal);
        var root = holdings.MountPoint ?? holdings.Root;
        var touched = records.Where(r =>
            (PortCalls.IsAny(r.Call, PortCalls.DaemonSignal, PortCalls.DaemonWaitForExit) && pids.Contains(r.Effect.Arguments.GetValueOrDefault("pid") ?? string.Empty))
            || (r.Call == PortCalls.BlockDeviceUnmount.Name && root is not null && r.Effect.Arguments.GetValueOrDefault("mountPoint") == root)
            || (r.Call == PortCalls.StickyDiskSettle.Name && exposures.Contains(r.Effect.Arguments.GetValueOrDefault("exposeId") ?? string.Empty))).ToList();
        return Entry(pending, seen, LeftoverOutcome.LeftAlone, !seen.WasReported && _claims.IsReported(seen.Claim.JobDirectory), [], [], [], touched);
    }

    private ReplayLeftover Cleaned(Pending pending, Seen seen, List<SweepLog.Entry> calls, EffectRecord? end, LeftoverCleanup? cleanup)
    {
        // What the cleanup said: its own result when the sweep returned, else the leftovers.clean record it journaled.
        var actions = cleanup?.Actions ?? Split(end?.Arguments.GetValueOrDefault("actions"), ", ");
        var problems = cleanup?.Problems ?? (end is { Outcome: not EffectOutcome.Succeeded } ? Split(end.Message, "; ") : []);
        var outcome = !Kept(seen.Claim) ? LeftoverOutcome.Cleaned : end is not null ? LeftoverOutcome.Kept : LeftoverOutcome.Interrupted;
        return Entry(pending, seen, outcome, false, actions, problems, cleanup?.Notes ?? [], calls);
    }

    private ReplayLeftover Entry(
        Pending pending,
        Seen seen,
        LeftoverOutcome outcome,
        bool reported,
        IReadOnlyList<string> actions,
        IReadOnlyList<string> problems,
        IReadOnlyList<string> notes,
        List<SweepLog.Entry> calls) =>
        new(
            pending.Host,
            pending.Session,
            seen.Claim.JobDirectory,
            outcome,
            seen.Verdict.Why,
            reported,
            actions,
            problems,
            notes,
            [.. calls.Where(c => Succeeded(c, PortCalls.DaemonWaitForExit.Name) && c.Effect.Result?.ValueKind == System.Text.Json.JsonValueKind.True)
                .Select(c => int.Parse(c.Effect.Arguments["pid"], CultureInfo.InvariantCulture)).Distinct()],
            [.. calls.Where(c => Succeeded(c, PortCalls.BlockDeviceUnmount.Name)).Select(c => c.Effect.Arguments["mountPoint"])],
            [.. calls.Where(c => Succeeded(c, PortCalls.StickyDiskSettle.Name) && !Commits(c)).Select(c => c.Effect.Arguments["exposeId"])],
            [.. calls.Where(c => c.Call == PortCalls.StickyDiskSettle.Name && Commits(c)).Select(c => c.Effect.Arguments["exposeId"])],
            seen.Held,
            _world.HeldFor(seen.Claim),
            Kept(seen.Claim),
            [.. calls.Select(c => new ReplayEffect(0, (long)(c.At - _start).TotalMilliseconds, c.Session, c.Call, c.Effect.Outcome, c.Effect.DurationMs, ReplayRunner.Detail(c.Effect)))]);

    private bool Kept(JobClaim claim) => _claims.Claims.Any(c => c.JobDirectory == claim.JobDirectory);

    private static bool Succeeded(SweepLog.Entry entry, string call) => entry.Call == call && entry.Effect.Outcome == EffectOutcome.Succeeded;

    private static bool Commits(SweepLog.Entry entry) =>
        entry.Effect.Arguments.TryGetValue("commit", out var commit) && bool.TryParse(commit, out var yes) && yes;

    private static List<string> Split(string? text, string separator) =>
        string.IsNullOrEmpty(text) ? [] : [.. text.Split(separator)];

    /// <summary>One claim as the sweep found it: its verdict, what the machine held for it, and whether it was reported already.</summary>
    private sealed record Seen(JobClaim Claim, JobEndVerdict Verdict, HeldOnMachine Held, bool WasReported);

    /// <summary>A sweep that ran (or began): its setup, what it found, and where its records start.</summary>
    private sealed record Pending(int Host, string Session, List<Seen> Seen, int FirstRecord)
    {
        public IReadOnlyList<LeftoverCleanup>? Cleanups { get; set; }
    }
}
