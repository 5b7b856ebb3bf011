using System.Diagnostics;
using Blacksmith.Infrastructure.Failpoints;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// issue 12's proof with real processes: the blacksmith executable killed with SIGKILL (the step alone, or its whole
/// process group) at every kill point a healthy job passes in setup, build and post, and in the next job's cleanup after
/// it, on the local store in loop-device mode. After the follow-up (the job's own post, or the next job's setup and post
/// once the killed job is over) no daemon, mount, loop device, exposure or claim of the killed job is left, and the killed
/// job's disk became a generation only where its journal had decided the commit before the kill. Each test prints its
/// table; docs/kill-points.md keeps the last generated one.
/// </summary>
/// <remarks>
/// The next job's follow-up reads only the claims and the machine, never the killed job's journal: so it runs once per
/// distinct state a kill left (the claim and what the kernel and the store hold), for the first point that left it,
/// rather than once per point. The job's own post reads the journal too, and runs after every point.
/// </remarks>
public sealed class KillPointTests
{
    // Each run is a machine of its own; two at a time keep both cores busy while one waits on mkfs, fsync or a daemon.
    private const int Parallelism = 2;

    [RequiresKillPointsFact]
    public async Task A_setup_killed_at_any_point_leaves_nothing_held_after_its_post_or_the_next_jobs_setup_and_is_never_committed()
    {
        var plan = await KillPointPlan.GetAsync();
        Assert.True(plan.Points.Count(p => p.Phase != KillPointPhase.Sweep) >= 30, $"a healthy job passes only {plan.Points.Count} kill points: {string.Join(", ", plan.Points)}");
        var points = plan.In(KillPointPhase.Setup).ToList();
        Assert.Superset(
            new HashSet<string> { "store:ExposeAttached", "effect:stickydisk.expose", "transition:DiskExposed", "effect:blockdevice.mount", "effect:buildkitd.spawn", "transition:DaemonSpawned", "claim:BuilderRegistered" },
            points.Select(p => p.Point).ToHashSet());

        await RunAsync("setup", "Setup", "Every kill point of setup, the process alone and its whole group, followed by the job's post; and the next job's setup once per distinct state the kills left.", points, [KillScope.Process, KillScope.Group], nextJob: true);
    }

    [RequiresKillPointsFact]
    public async Task A_build_killed_at_any_point_leaves_nothing_held_after_its_post_or_the_next_jobs_setup()
    {
        var points = (await KillPointPlan.GetAsync()).In(KillPointPhase.Build).ToList();
        Assert.Contains(points, p => p.Point == "effect:buildx.build");

        await RunAsync("build", "Build", "Every kill point of a build (after a healthy setup), followed by the job's post; and the next job's setup once per distinct state.", points, [KillScope.Process], nextJob: true);
    }

    [RequiresKillPointsFact]
    public async Task A_post_killed_at_any_point_leaves_nothing_held_after_a_post_run_again_or_the_next_jobs_setup_and_commits_only_what_it_had_decided()
    {
        var plan = await KillPointPlan.GetAsync();
        var points = plan.In(KillPointPhase.Post).Concat(plan.In(KillPointPhase.PostRelease)).ToList();
        Assert.Superset(
            new HashSet<string>
            {
                "effect:buildkitd.signal", "transition:DaemonStopped", "effect:blockdevice.unmount", "transition:DiskUnmounted", "claim:Drained",
                "store:CommitPublished", "effect:stickydisk.settle", "store:ReleaseDetached", "transition:DiskReleased",
            },
            points.Select(p => p.Point).ToHashSet());

        await RunAsync(
            "post",
            "Post",
            "Every kill point of post (after a healthy setup), followed by post run again; and the next job's setup once per distinct state. "
            + "A committing post first; then, from its earlier-steps check on (where it parts from one that commits), the post of a failed job, which releases the disk.",
            points,
            [KillScope.Process],
            nextJob: true);
    }

    [RequiresKillPointsFact]
    public async Task A_next_job_killed_while_it_cleans_up_after_an_ended_job_leaves_a_claim_the_job_after_it_finishes_from()
    {
        var points = (await KillPointPlan.GetAsync()).In(KillPointPhase.Sweep).ToList();
        Assert.Superset(
            new HashSet<string> { "cleanup:daemonStopped", "cleanup:unmounted", "cleanup:released", "cleanup:claimRemoved" },
            points.Select(p => p.Point).ToHashSet());

        var outcomes = await RunEachAsync(points.Select(p => (p, KillScope.Process, FollowUp.NextJob)).ToList());
        await ReportAsync(
            "sweep",
            "The next job's cleanup",
            "A job killed holding everything (at `claim:BuilderRegistered`); the next job's setup, killed at every point of its cleanup after it; then that job's post, and the setup and post of the job after it.",
            outcomes);
    }

    private static async Task RunAsync(string id, string title, string intro, IReadOnlyList<PlannedPoint> points, IReadOnlyList<KillScope> scopes, bool nextJob)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = (await RunEachAsync([.. scopes.SelectMany(scope => points.Select(p => (p, scope, FollowUp.JobPost)))])).ToList();
        if (nextJob)
        {
            // One next job per distinct state the process kills left: it sees nothing else.
            var distinct = outcomes.Where(o => o.Scope == KillScope.Process)
                .GroupBy(o => o.Signature, StringComparer.Ordinal)
                .Select(g => (g.First().Point, KillScope.Process, FollowUp.NextJob))
                .ToList();
            outcomes.AddRange(await RunEachAsync(distinct));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{outcomes.Count} kill-point runs in {clock.Elapsed.TotalSeconds:0} s");
        await ReportAsync(id, title, intro, outcomes);
    }

    private static async Task<IReadOnlyList<KillPointOutcome>> RunEachAsync(IReadOnlyList<(PlannedPoint Point, KillScope Scope, FollowUp FollowUp)> runs)
    {
        var outcomes = new KillPointOutcome[runs.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, runs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = TestContext.Current.CancellationToken },
            async (i, _) => outcomes[i] = await KillPointScenario.RunAsync(runs[i].Point, runs[i].Scope, runs[i].FollowUp));
        return outcomes;
    }

    private static async Task ReportAsync(string id, string title, string intro, IReadOnlyList<KillPointOutcome> outcomes)
    {
        var table = KillPointTable.Render(outcomes);
        TestContext.Current.TestOutputHelper?.WriteLine(table);
        var failed = outcomes.Where(o => o.Problems.Count > 0).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Count} kill-point runs failed:\n"
            + string.Join("\n", failed.Select(o => $"- {o.Point} ({o.Scope}, {KillPointTable.FollowUpText(o.FollowUp)}): {string.Join("\n  ", o.Problems)}"))
            + $"\n\n{table}");
        Assert.Null(await KillPointDocument.CheckAsync(id, title, intro, outcomes));
    }
}
