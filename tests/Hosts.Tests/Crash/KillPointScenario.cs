using System.Globalization;
using System.Text.Json;
using Blacksmith.Infrastructure.Failpoints;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// One kill-point run on a fresh machine: the steps before the point run healthy, the step of the point is killed
/// there, the machine is looked at, the follow-up runs, and then nothing of the killed job may be left (no process, mount,
/// loop device, store record or claim) and its disk may be a generation only if its journal decided the commit before the
/// kill. Whatever happens, the machine is emptied and deleted afterwards; what had to be removed is a problem of the run.
/// </summary>
internal static class KillPointScenario
{
    /// <summary>What the killed job's post is told of the job: a step of it ended by SIGKILL, so the CI counts it as failed.</summary>
    public const string AfterAKill = "failed";

    private static readonly TimeSpan DeferredDetachDeadline = TimeSpan.FromSeconds(30);

    public static async Task<KillPointOutcome> RunAsync(PlannedPoint point, KillScope scope, FollowUp followUp)
    {
        var problems = new List<string>();
        KillPointOutcome? outcome = null;
        await using (var machine = CrashMachine.Create())
        {
            try
            {
                outcome = await RunOnAsync(machine, point, scope, followUp, problems);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or JsonException or TimeoutException or KeyNotFoundException)
            {
                problems.Add($"the run broke off: {ex}");
            }

            if (await machine.RemoveLeftoversAsync() is { Count: > 0 } removed)
            {
                problems.Add($"the harness had to remove {string.Join("; ", removed)}");
            }
        }

        outcome ??= new KillPointOutcome(point, scope, followUp, "?", "?", "?", null, "?", []);
        return outcome with { Problems = [.. outcome.Problems, .. problems] };
    }

    private static async Task<KillPointOutcome> RunOnAsync(CrashMachine machine, PlannedPoint point, KillScope scope, FollowUp followUp, List<string> problems)
    {
        // The job whose leftovers are judged; for the sweep, the job being cleaned up after (the killed step is the next job's setup).
        var job = machine.Job(1);
        CrashJob? sweeper = null;
        StepRun killed;
        switch (point.Phase)
        {
            case KillPointPhase.Setup:
                killed = await job.SetupAsync(point.Kill(scope));
                break;
            case KillPointPhase.Build:
                Expect(await job.SetupAsync(), 0, problems);
                killed = await job.BuildAsync(point.Kill(scope));
                break;
            case KillPointPhase.Post or KillPointPhase.PostRelease:
                // No build: post passes the same points with or without one. A failed job's post releases the disk.
                Expect(await job.SetupAsync(), 0, problems);
                killed = await job.PostAsync(point.Phase == KillPointPhase.Post ? "success" : AfterAKill, point.Kill(scope));
                break;
            default:
                Expect(await job.SetupAsync(KillPointPlan.HoldingEverything), SessionProcess.KilledBySigkill, problems);
                sweeper = machine.Job(2);
                killed = await sweeper.SetupAsync(point.Kill(scope), KillPointPlan.EarlierJobsAreOver);
                break;
        }

        if (!killed.KilledBySigkill || killed.LastPoint != point.Point)
        {
            problems.Add($"the step was to be killed at {point} but was not (last point {killed.LastPoint ?? "none"}): {killed}");
        }

        var left = machine.Look();
        var atKill = await job.JournalAsync();
        var decidedCommit = Fold(atKill).Decision is CommitDecision.Commit;
        var killedExposures = ExposeIds(atKill)
            .Concat(left.Exposures.Where(e => e.Holder == job.JobDirectory).Select(e => e.ExposeId))
            .ToHashSet(StringComparer.Ordinal);
        var killedDaemons = Daemons(atKill).ToList();
        var lastSeen = atKill.Count == 0 ? 0 : atKill[^1].Seq;

        string cleanedBy, committed;
        int? postExit;
        CrashJob? next = null;
        if (followUp == FollowUp.JobPost)
        {
            var post = await job.PostAsync(AfterAKill);
            postExit = post.ExitCode;
            // ADR 0004: 0 once post released everything it held; a journal it could not trust or a resource it could not release is 1.
            Expect(post, 0, problems);
            var after = await job.JournalAsync();
            cleanedBy = left.IsClean ? "-" : PostCleaner(point, left, after.Where(r => r.Seq > lastSeen).ToList(), post.Log);
            committed = Fold(after).Decision switch
            {
                CommitDecision.Commit => "yes: the commit was decided before the kill",
                CommitDecision.Skip skip => $"no (skip: {skip.Reason})",
                _ => "no (no decision)",
            };
        }
        else
        {
            if (sweeper is not null)
            {
                // The killed sweeper's own post: its setup never began its sequence.
                Expect(await sweeper.PostAsync(AfterAKill), 0, problems);
            }

            next = machine.Job(sweeper is null ? 2 : 3);
            var setup = await next.SetupAsync(environment: KillPointPlan.EarlierJobsAreOver);
            Expect(setup, 0, problems);
            var nextPost = await next.PostAsync("success");
            postExit = nextPost.ExitCode;
            Expect(nextPost, 0, problems);
            cleanedBy = left.IsClean ? "-" : SweepCleaner(left, await next.JournalAsync());
            committed = "no";
        }

        // A detach the kernel deferred (another mount namespace holds a copy of the mount) completes when that copy goes.
        if (await machine.AwaitDeferredDetachesAsync(DeferredDetachDeadline) is { Count: > 0 } deferred)
        {
            cleanedBy += $" (the kernel deferred the detach of {string.Join(", ", deferred)}: something outside the job held it open)";
        }

        var finalState = machine.Look();
        if (!finalState.IsClean)
        {
            problems.Add($"after the follow-up the machine still holds {finalState.Describe()}");
        }

        foreach (var (pid, started) in killedDaemons.Where(d => IsAlive(d.Pid, d.StartTimeTicks)))
        {
            problems.Add($"the killed job's buildkitd pid {pid} (started at tick {started}) still runs");
        }

        var listing = await machine.StoreListingAsync();
        if (listing.GetProperty("exposures").GetArrayLength() > 0)
        {
            problems.Add($"blacksmith store ls still lists exposures: {listing.GetProperty("exposures")}");
        }

        var generations = listing.GetProperty("keys").EnumerateArray()
            .SelectMany(k => k.GetProperty("generations").EnumerateArray())
            .Select(g => g.GetProperty("exposeId").GetString()!)
            .ToList();
        var nextExposures = next is null ? [] : ExposeIds(await next.JournalAsync()).ToHashSet(StringComparer.Ordinal);
        var killedCommitted = generations.Any(killedExposures.Contains);
        if (killedCommitted && !decidedCommit)
        {
            problems.Add($"the killed job's disk was committed, though its journal had not decided a commit when it was killed (generations: {string.Join(", ", generations)})");
        }

        if (followUp == FollowUp.JobPost && decidedCommit && !killedCommitted)
        {
            problems.Add("the commit the journal decided before the kill was lost: the post run again did not finish it");
        }

        if (generations.Where(g => !killedExposures.Contains(g) && !nextExposures.Contains(g)).ToList() is { Count: > 0 } unexplained)
        {
            problems.Add($"generations of no job: {string.Join(", ", unexplained)}");
        }

        if (next is not null && !generations.Any(nextExposures.Contains))
        {
            problems.Add("the next job did not commit its own disk");
        }

        if (followUp == FollowUp.NextJob)
        {
            committed = killedCommitted ? "yes: the commit was decided before the kill (the store finished it)" : "no";
        }

        return new KillPointOutcome(point, scope, followUp, left.Summary(), cleanedBy, committed, postExit, left.Signature(), []);
    }

    private static void Expect(StepRun step, int exitCode, List<string> problems)
    {
        if (step.ExitCode != exitCode)
        {
            problems.Add($"expected exit {exitCode}: {step}");
        }
    }

    private static LifecycleSnapshot Fold(IReadOnlyList<JournalRecord> journal) =>
        LifecycleFold.Fold(LifecycleSnapshot.Initial("kill-point-harness"), journal);

    /// <summary>Every exposure the journal knows: the one it records, and every expose call that returned one.</summary>
    private static IEnumerable<string> ExposeIds(IReadOnlyList<JournalRecord> journal)
    {
        if (Fold(journal).Disk.ExposeId is { Length: > 0 } recorded)
        {
            yield return recorded;
        }

        foreach (var result in EffectResults(journal, "stickydisk.expose"))
        {
            if (result.TryGetProperty("exposeId", out var id) && id.GetString() is { } exposeId)
            {
                yield return exposeId;
            }
        }
    }

    /// <summary>Every buildkitd a spawn call of the journal started, by pid and start time.</summary>
    private static IEnumerable<(int Pid, long StartTimeTicks)> Daemons(IReadOnlyList<JournalRecord> journal) =>
        EffectResults(journal, "buildkitd.spawn").Select(r => (r.GetProperty("pid").GetInt32(), r.GetProperty("startTimeTicks").GetInt64()));

    private static IEnumerable<JsonElement> EffectResults(IReadOnlyList<JournalRecord> journal, string type) =>
        journal.Where(r => r.Kind == JournalRecordKind.Effect && r.Type == type)
            .Select(r => r.Payload)
            .Where(p => p.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
            .Select(p => p.GetProperty("result"));

    /// <summary>Whether pid still is the process that started at that tick (a reused pid is another process).</summary>
    private static bool IsAlive(int pid, long startTimeTicks)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ", field 3 (state) is first; the start time is field 22.
            return fields.Length > 19 && long.Parse(fields[19], CultureInfo.InvariantCulture) == startTimeTicks && fields[0] != "Z";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string PostCleaner(PlannedPoint point, MachineState left, IReadOnlyList<JournalRecord> appended, string log)
    {
        var who = appended.Any(r => r.Kind == JournalRecordKind.Transition && r.Type == nameof(LifecycleTrigger.HoldingsFound))
            ? "post, after looking for what setup left unrecorded (HoldingsFound)"
            : log.Contains("is unusable", StringComparison.Ordinal)
                ? "post, from the claim (the journal was unusable)"
                : point.Phase is KillPointPhase.Post or KillPointPhase.PostRelease ? "post, run again (resumed drain)" : "post";
        return who + StoreRecovery(left);
    }

    private static string SweepCleaner(MachineState left, IReadOnlyList<JournalRecord> nextJournal)
    {
        var cleanups = nextJournal.Where(r => r.Kind == JournalRecordKind.Effect && r.Type == "leftovers.clean").ToList();
        if (cleanups.Count == 0)
        {
            return "nobody (the next job's setup cleaned up after no job)" + StoreRecovery(left);
        }

        var actions = cleanups
            .Select(r => r.Payload.GetProperty("arguments").GetProperty("actions").GetString() ?? "")
            .SelectMany(a => a.Split(", ", StringSplitOptions.RemoveEmptyEntries))
            .Select(a => a switch
            {
                _ when a.StartsWith("stopped buildkitd", StringComparison.Ordinal) => "stopped the daemon",
                _ when a.StartsWith("killed buildkitd", StringComparison.Ordinal) => "killed the daemon",
                _ when a.StartsWith("unmounted", StringComparison.Ordinal) => "unmounted",
                _ when a.StartsWith("released", StringComparison.Ordinal) => "released the exposure",
                _ => a,
            })
            .ToList();
        return $"the next job's sweep ({(actions.Count == 0 ? "removed the claim" : string.Join(", ", actions))})" + StoreRecovery(left);
    }

    /// <summary>An exposure a kill left half-way through a store step is finished or undone by the store itself.</summary>
    private static string StoreRecovery(MachineState left) =>
        left.Exposures.Select(e => e.State).FirstOrDefault(s => s != "Exposed") is { } interrupted
            ? $"; the store finished or undid its interrupted {interrupted.ToLowerInvariant()}"
            : "";
}
