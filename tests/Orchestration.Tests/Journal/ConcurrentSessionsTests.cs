using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Tests.Lifecycle;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>
/// Two processes of one job (two LifecycleJournal instances over one store), each firing from a read taken before
/// the other wrote: a transition is checked against the records written since its read, not against the read.
/// </summary>
public sealed class ConcurrentSessionsTests
{
    [Fact]
    public async Task Two_sessions_that_both_read_Ready_both_start_builds_and_the_second_lands_as_Building_with_two_in_flight()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await ReadyWithAttachedSessionAsync(ct);
        var first = harness.Journal;
        var second = harness.NewProcess();
        var firstRead = await first.LoadAsync(TestSessions.Owner, ct);
        var secondRead = await second.LoadAsync(TestSessions.Attached, ct);
        Assert.Equal((LifecycleState.Ready, LifecycleState.Ready), (firstRead.State, secondRead.State));

        var one = await first.FireAsync(firstRead, TestSessions.Owner, [new BuildStarted("b1", "web")], ct);
        var two = await second.FireAsync(secondRead, TestSessions.Attached, [new BuildStarted("b2", "api")], ct);

        Assert.Equal(LifecycleState.Building, one.Applied.Single().To);
        var applied = Assert.Single(two.Applied);
        Assert.Equal((LifecycleState.Building, LifecycleState.Building), (applied.From, applied.To));
        Assert.Equal(LifecycleState.Building, two.Snapshot.State);
        Assert.Equal(2, two.Snapshot.BuildsInFlight);
        Assert.Equal(harness.Store.Records.Count, two.Snapshot.Sequence);
        Assert.Equal(
            SnapshotText.Of(LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Attached), harness.Store.Records)),
            SnapshotText.Of(two.Snapshot));
    }

    [Fact]
    public async Task Two_sessions_finishing_the_last_two_builds_from_one_read_end_in_Ready()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await ReadyWithAttachedSessionAsync(ct);
        await harness.FireAsync(TestSessions.Owner, new BuildStarted("b1", "web"), ct);
        await harness.FireAsync(TestSessions.Attached, new BuildStarted("b2", "api"), ct);
        var first = harness.Journal;
        var second = harness.NewProcess();
        var firstRead = await first.LoadAsync(TestSessions.Owner, ct);
        var secondRead = await second.LoadAsync(TestSessions.Attached, ct);

        var one = await first.FireAsync(firstRead, TestSessions.Owner, [new BuildFinished("b1", BuildOutcome.Succeeded)], ct);
        var two = await second.FireAsync(secondRead, TestSessions.Attached, [new BuildFinished("b2", BuildOutcome.Succeeded)], ct);

        Assert.Equal(LifecycleState.Building, one.Snapshot.State);
        Assert.Equal(new AppliedTransition(two.Snapshot.Sequence, LifecycleTrigger.BuildFinished, LifecycleState.Building, LifecycleState.Ready), Assert.Single(two.Applied));
        Assert.Equal(0, two.Snapshot.BuildsInFlight);
    }

    [Fact]
    public async Task The_owners_post_abandons_a_build_another_process_started_after_the_owners_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await ReadyWithAttachedSessionAsync(ct);
        var owner = harness.Journal;
        var ownerRead = await owner.LoadAsync(TestSessions.Owner, ct);
        var other = harness.NewProcess();
        var otherRead = await other.LoadAsync(TestSessions.Attached, ct);
        await other.FireAsync(otherRead, TestSessions.Attached, [new BuildStarted("late", "api")], ct);

        var post = await owner.FireAsync(ownerRead, TestSessions.Owner, [new PostRequested()], ct);

        Assert.Equal((LifecycleState.Building, LifecycleState.Draining), (post.Applied.Single().From, post.Applied.Single().To));
        Assert.Equal(BuildOutcome.Abandoned, post.Snapshot.FindBuild("late")?.Outcome);
    }

    [Fact]
    public async Task A_build_started_from_a_read_taken_before_the_owners_post_is_refused_once_draining_began()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await ReadyWithAttachedSessionAsync(ct);
        var other = harness.NewProcess();
        var otherRead = await other.LoadAsync(TestSessions.Attached, ct);
        Assert.True(LifecycleMachine.Accepts(otherRead.State, LifecycleTrigger.BuildStarted), "the pipeline's early check passes on the stale read");
        await harness.FireAsync(TestSessions.Owner, new PostRequested(), ct);
        var before = harness.Store.Records;

        var fired = await other.FireAsync(otherRead, TestSessions.Attached, [new BuildStarted("too-late", "api")], ct);

        var refused = Assert.IsType<LifecycleTransition.Refused>(fired.Refused);
        Assert.Equal((LifecycleState.Draining, LifecycleTrigger.BuildStarted), (refused.State, refused.Trigger));
        Assert.Equal(LifecycleState.Draining, fired.Snapshot.State);
        Assert.Equal(before, harness.Store.Records);
    }

    [Fact]
    public async Task A_refused_firing_returns_the_snapshot_with_the_records_written_since_its_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await ReadyWithAttachedSessionAsync(ct);
        var other = harness.NewProcess();
        var staleRead = await other.LoadAsync(TestSessions.Attached, ct);
        await harness.FireAsync(TestSessions.Owner, new BuildStarted("b1", "web"), ct);

        var fired = await other.FireAsync(staleRead, TestSessions.Attached, [new SessionAttached(TestEvents.OtherCacheKey)], ct);

        Assert.True(fired.IsRefused);
        Assert.Equal(LifecycleState.Building, fired.Snapshot.State);
        Assert.Equal(harness.Store.Records.Count, fired.Snapshot.Sequence);
    }

    [Fact]
    public async Task A_post_is_judged_by_the_session_that_fires_it_not_by_the_session_that_read_the_journal()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await ReadyWithAttachedSessionAsync(ct);
        await harness.FireAsync(TestSessions.Owner, new BuildStarted("b1", "web"), ct);
        var readByOwner = await harness.Journal.LoadAsync(TestSessions.Owner, ct);

        // FireAsync acts "on behalf of" the session it is given; the snapshot is only where its read ended.
        var fired = await harness.Journal.FireAsync(readByOwner, TestSessions.Attached, [new PostRequested()], ct);

        Assert.False(fired.IsRefused);
        Assert.Equal((LifecycleState.Building, LifecycleState.Building), (fired.Applied.Single().From, fired.Applied.Single().To));
        Assert.Equal(BuildOutcome.Running, fired.Snapshot.FindBuild("b1")?.Outcome);
    }

    private static async ValueTask<JournalHarness> ReadyWithAttachedSessionAsync(CancellationToken ct)
    {
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Ready, ct);
        await harness.FireAllAsync([new SessionAttached(TestEvents.CacheKey)], ct, TestSessions.Attached);
        return harness;
    }
}
