using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>A snapshot's builds, however many a job runs: each is found as it was last recorded.</summary>
public sealed class LifecycleSnapshotTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(40)]
    public void Every_build_is_found_as_it_was_last_recorded_and_those_still_running_are_counted(int builds)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var f = new Faker { Random = new Randomizer(seed) };
            var at = SnapshotBuilder.Start;
            var snapshot = LifecycleSnapshot.Initial(TestSessions.Owner) with { OwnerSession = TestSessions.Owner };
            var expected = new Dictionary<string, BuildOutcome>(StringComparer.Ordinal);
            var ids = Enumerable.Range(1, builds).Select(i => $"build-{i}-{f.Random.AlphaNumeric(6)}").ToList();

            // Builds start and finish interleaved, in a random order, some never finishing.
            foreach (var id in f.Random.Shuffle(ids))
            {
                snapshot = Apply(snapshot, new BuildStarted(id, f.Hacker.Noun()), at = at.AddSeconds(1));
                expected[id] = BuildOutcome.Running;
                var finishing = f.PickRandom(expected.Keys.ToList());
                if (f.Random.Bool() && expected[finishing] == BuildOutcome.Running)
                {
                    var outcome = f.PickRandom(BuildOutcome.Succeeded, BuildOutcome.Failed, BuildOutcome.Cancelled);
                    snapshot = Apply(snapshot, new BuildFinished(finishing, outcome), at = at.AddSeconds(1));
                    expected[finishing] = outcome;
                }
            }

            Assert.Equal(builds, snapshot.Builds.Count);
            Assert.All(expected, e => Assert.Equal(e.Value, snapshot.FindBuild(e.Key)?.Outcome));
            Assert.Equal(expected.Count(e => e.Value == BuildOutcome.Running), snapshot.BuildsInFlight);
            Assert.Null(snapshot.FindBuild("build-never-started"));

            // The owner's post replaces the list (running builds become abandoned): it is still found build by build.
            var posted = Apply(snapshot, new PostRequested(), at.AddSeconds(1));
            Assert.All(expected, e => Assert.Equal(
                e.Value == BuildOutcome.Running ? BuildOutcome.Abandoned : e.Value, posted.FindBuild(e.Key)?.Outcome));
            Assert.Equal(0, posted.BuildsInFlight);
        }
    }

    private static LifecycleSnapshot Apply(LifecycleSnapshot snapshot, LifecycleEvent @event, DateTimeOffset at) =>
        @event.Apply(snapshot, new EventContext(TestSessions.Owner, at));
}
