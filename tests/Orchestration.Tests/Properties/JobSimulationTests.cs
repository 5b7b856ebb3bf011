using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Properties;

/// <summary>
/// Properties over many random jobs (<see cref="JobScript"/>), each followed by a complete, well-behaved post
/// (<see cref="WellBehavedPost"/>). A failure names the seed and tells the job's story.
/// </summary>
public sealed class JobSimulationTests
{
    private const int Seeds = 500;

    [Fact]
    public async Task Firing_never_throws_and_out_of_place_events_are_refused_without_a_trace()
    {
        var jobs = await SimulateAsync(TestContext.Current.CancellationToken);

        AssertForAll(jobs, job => job.Thrown is null ? null : $"firing threw {job.Thrown}");
        AssertForAll(jobs, job => job.Problems.Count == 0 ? null : string.Join("; ", job.Problems));
    }

    [Fact]
    public async Task A_well_behaved_post_is_never_refused_and_ends_in_Done_unless_something_stays_held()
    {
        var jobs = Completed(await SimulateAsync(TestContext.Current.CancellationToken));

        AssertForAll(jobs, job => job.PostRefusals.Count == 0 ? null : $"the post was refused: {string.Join("; ", job.PostRefusals)}");
        AssertForAll(jobs, job => job.Final?.State == LifecycleState.Done
            || (job.Final is { State: LifecycleState.Draining, Decision: null } && job.Facts.HeldAtEnd && !LifecycleMachine.EverythingReleased(job.Final))
            ? null
            : $"the post ended in {job.Final?.State} (held at the end: {job.Facts.HeldAtEnd})");
        Assert.True(jobs.Count(j => j.Final?.State == LifecycleState.Draining) >= 5, "too few posts were left holding something");
    }

    [Fact]
    public async Task A_commit_happens_exactly_when_every_commit_condition_holds()
    {
        var jobs = Completed(await SimulateAsync(TestContext.Current.CancellationToken));

        AssertForAll(jobs, job => job.Facts.ReachedCommitting == job.Facts.CommitAllowed
            ? null
            : $"passed through Committing: {job.Facts.ReachedCommitting}, every condition holds: {job.Facts.CommitAllowed}");
        AssertForAll(jobs, job => job.Facts.Decisions.All(commit => commit == job.Facts.CommitAllowed)
            ? null
            : $"a decision record disagrees with the conditions ({job.Facts.CommitAllowed})");
        AssertForAll(jobs, job => job.Final?.Decision is not { } decision || decision.IsCommit == job.Facts.CommitAllowed
            ? null
            : $"the final decision {job.Final.Decision} disagrees with the conditions ({job.Facts.CommitAllowed})");

        // The generator must reach both sides often, or the property says little.
        Assert.True(jobs.Count(j => j.Facts.CommitAllowed) >= 25, $"only {jobs.Count(j => j.Facts.CommitAllowed)} jobs committed");
        Assert.True(jobs.Count(j => !j.Facts.CommitAllowed && j.Facts.Exposed) >= 100, "too few jobs skipped a held disk");
    }

    [Fact]
    public async Task A_skipped_commit_of_a_held_expose_id_is_released_exactly_once()
    {
        var jobs = Completed(await SimulateAsync(TestContext.Current.CancellationToken));

        AssertForAll(jobs, job =>
        {
            var expected = job.Facts.ReleaseOwed ? 1 : 0;
            return job.Facts.Releases == expected ? null : $"{job.Facts.Releases} DiskReleased records, expected {expected}";
        });
        Assert.True(jobs.Count(j => j.Facts.ReleaseOwed) >= 50, "too few jobs owed a release");
    }

    [Fact]
    public async Task Refolding_the_journal_from_scratch_gives_the_live_snapshot()
    {
        var jobs = Completed(await SimulateAsync(TestContext.Current.CancellationToken));

        AssertForAll(jobs, job =>
        {
            var refolded = LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), job.Records);
            var live = SnapshotText.Of(job.Final!);
            var again = SnapshotText.Of(refolded);
            return live == again ? null : $"live snapshot\n{live}\nrefolded\n{again}";
        });
    }

    private static async Task<IReadOnlyList<SimulatedJob>> SimulateAsync(CancellationToken ct)
    {
        var jobs = new List<SimulatedJob>(Seeds);
        for (var seed = 0; seed < Seeds; seed++)
        {
            jobs.Add(await SimulateAsync(seed, ct));
        }

        return jobs;
    }

    private static async Task<SimulatedJob> SimulateAsync(int seed, CancellationToken ct)
    {
        var f = new Faker { Random = new Randomizer(seed) };
        var harness = new JournalHarness();
        var story = new List<string>();
        var problems = new List<string>();
        WellBehavedPost? post = null;
        LifecycleSnapshot? final = null;
        Exception? thrown = null;
        try
        {
            var script = JobScript.Generate(f);
            foreach (var step in script.Steps)
            {
                var before = harness.Store.Records.Count;
                var fired = await harness.FireAsync(step.Session, step.Events, ct);
                story.Add($"{step} -> {(fired.Refused is { } r ? $"refused: {r.Describe()}" : fired.Snapshot.State.ToString())}");
                if (fired.IsRefused && harness.Store.Records.Count != before)
                {
                    problems.Add($"refused {step} appended {harness.Store.Records.Count - before} records");
                }

                if (step.IsNoise && !fired.IsRefused)
                {
                    problems.Add($"noise {step} was accepted in {fired.Applied[0].From}");
                }
            }

            if (script.PartialPostSteps is int partial)
            {
                await new WellBehavedPost(harness, f, story).RunAsync(partial, ct);
            }

            if (script.Crashes)
            {
                var keep = f.Random.Int(0, harness.Store.Records.Count);
                harness.Store.Truncate(keep);
                story.Add($"crash: the journal keeps its first {keep} records");
            }

            post = new WellBehavedPost(harness, f, story);
            final = await post.RunAsync(int.MaxValue, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            thrown = ex;
        }

        return new SimulatedJob(seed, story, thrown, problems, post?.Refusals ?? [], final, harness.Store.Records);
    }

    // The other properties are judged on jobs whose firing did not throw; the first property reports those that did.
    private static List<SimulatedJob> Completed(IReadOnlyList<SimulatedJob> jobs)
    {
        var completed = jobs.Where(j => j.Thrown is null && j.Final is not null).ToList();
        Assert.True(completed.Count == jobs.Count, $"{jobs.Count - completed.Count} jobs threw while firing; see {nameof(Firing_never_throws_and_out_of_place_events_are_refused_without_a_trace)}");
        return completed;
    }

    private static void AssertForAll(IEnumerable<SimulatedJob> jobs, Func<SimulatedJob, string?> problem)
    {
        var failures = jobs.Select(job => (job, problem: problem(job))).Where(x => x.problem is not null).ToList();
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} of the jobs break the property; the first ones:\n"
            + string.Join("\n\n", failures.Take(3).Select(x => x.job.Describe(x.problem!))));
    }
}
