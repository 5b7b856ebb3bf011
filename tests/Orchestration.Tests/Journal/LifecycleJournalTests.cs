using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Tests.Lifecycle;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Journal;

public sealed class LifecycleJournalTests
{
    [Fact]
    public async Task A_load_that_continues_the_last_one_folds_only_the_records_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Ready, ct);
        for (var i = 0; i < 60; i++)
        {
            await harness.FireAllAsync([new BuildStarted($"build-{i}", "web"), new BuildFinished($"build-{i}", BuildOutcome.Succeeded)], ct);
        }

        var process = harness.NewProcess();
        _ = await process.LoadAsync(TestSessions.Owner, ct);
        await harness.FireAsync(TestSessions.Owner, new BuildStarted("late", "api"), ct);
        _ = await harness.NewProcess().LoadAsync(TestSessions.Owner, ct);

        var (fresh, foldedAll) = await AllocatedAsync(() => harness.NewProcess().LoadAsync(TestSessions.Owner, ct));
        var (continued, foldedRest) = await AllocatedAsync(() => process.LoadAsync(TestSessions.Owner, ct));

        Assert.Equal(SnapshotText.Of(fresh), SnapshotText.Of(continued));
        Assert.Equal(BuildOutcome.Running, continued.FindBuild("late")?.Outcome);
        Assert.True(foldedRest < foldedAll / 4, $"continuing the last load allocated {foldedRest} bytes, folding from the start {foldedAll}");
    }

    [Fact]
    public async Task A_journal_cut_back_and_written_again_is_folded_from_the_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Building, ct);
        var before = await harness.Journal.LoadAsync(TestSessions.Owner, ct);

        // A host killed mid-job leaves the journal shorter; what the next process appends is new records.
        harness.Store.Truncate(harness.Store.Records.Count - 2);
        await harness.FireAsync(TestSessions.Owner, new PostRequested(), ct);
        await harness.FireAsync(TestSessions.Owner, new DaemonStopped(DaemonStopOutcome.Graceful), ct);
        var after = await harness.Journal.LoadAsync(TestSessions.Owner, ct);

        Assert.Equal(SnapshotText.Of(await harness.NewProcess().LoadAsync(TestSessions.Owner, ct)), SnapshotText.Of(after));
        Assert.NotEqual(SnapshotText.Of(before), SnapshotText.Of(after));
    }

    private static async Task<(LifecycleSnapshot Snapshot, long Bytes)> AllocatedAsync(Func<ValueTask<LifecycleSnapshot>> load)
    {
        var start = GC.GetAllocatedBytesForCurrentThread();
        var snapshot = await load();
        return (snapshot, GC.GetAllocatedBytesForCurrentThread() - start);
    }

    [Fact]
    public async Task FireAsync_appends_one_transition_record_per_event_with_its_states_and_facts()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new JournalHarness();

        var fired = await harness.FireAsync(TestSessions.Owner, [new SetupStarted(TestEvents.Setup()), new DiskExposed("expose-9", "/dev/vdc")], ct);

        Assert.False(fired.IsRefused);
        Assert.Equal(
            [
                new AppliedTransition(1, LifecycleTrigger.SetupStarted, LifecycleState.Idle, LifecycleState.Mounting),
                new AppliedTransition(2, LifecycleTrigger.DiskExposed, LifecycleState.Mounting, LifecycleState.Mounting),
            ],
            fired.Applied);
        var records = harness.Store.Records;
        Assert.Equal([1L, 2L], records.Select(r => r.Seq));
        Assert.All(records, r =>
        {
            Assert.Equal(JournalRecordKind.Transition, r.Kind);
            Assert.Equal(TestSessions.Owner, r.Session);
            Assert.Equal(JournalRecord.CurrentVersion, r.V);
            Assert.Equal(harness.Time.GetUtcNow(), r.Ts);
        });
        Assert.Equal(["SetupStarted", "DiskExposed"], records.Select(r => r.Type));
        Assert.Equal("Mounting", records[1].Payload.GetProperty("from").GetString());
        Assert.Equal("expose-9", records[1].Payload.GetProperty("exposeId").GetString());
        Assert.Equal(LifecycleState.Mounting, fired.Snapshot.State);
        Assert.Equal(2, fired.Snapshot.Sequence);
        Assert.Equal("expose-9", fired.Snapshot.Disk.ExposeId);
    }

    [Fact]
    public async Task Drained_appends_the_commit_decision_right_after_its_transition()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Ready, ct);
        await harness.FireAllAsync(
            [
                new BuildStarted("b1", "web"), new BuildFinished("b1", BuildOutcome.Succeeded), new PostRequested(),
                new DaemonStopped(DaemonStopOutcome.Graceful), new DiskUnmounted(true, 777),
                new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input"),
            ],
            ct);
        var before = harness.Store.Records.Count;

        var fired = await harness.FireAsync(TestSessions.Owner, new Drained(), ct);

        var appended = harness.Store.Records.Skip(before).ToList();
        Assert.Equal([(JournalRecordKind.Transition, "Drained"), (JournalRecordKind.Decision, "commit")], appended.Select(r => (r.Kind, r.Type)));
        Assert.Equal(777, appended[1].Payload.GetProperty("fsUsageBytes").GetInt64());
        Assert.Equal([LifecycleTrigger.Drained], fired.Applied.Select(a => a.Trigger));
        Assert.Equal(LifecycleState.Committing, fired.Snapshot.State);
        Assert.Equal(new CommitDecision.Commit(777), fired.Snapshot.Decision);
    }

    [Fact]
    public async Task A_skipped_commit_journals_a_skip_decision_with_its_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Ready, ct);
        await harness.FireAllAsync(
            [
                new BuildStarted("b1", "web"), new BuildFinished("b1", BuildOutcome.Failed), new PostRequested(),
                new DaemonStopped(DaemonStopOutcome.Graceful), new DiskUnmounted(true, 777),
                new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input"), new DiskReleased(true),
            ],
            ct);

        var fired = await harness.FireAsync(TestSessions.Owner, new Drained(), ct);

        var decision = harness.Store.Records[^1];
        Assert.Equal((JournalRecordKind.Decision, "skip"), (decision.Kind, decision.Type));
        Assert.Equal("BuildFailed", decision.Payload.GetProperty("reason").GetString());
        Assert.Equal(LifecycleState.Done, fired.Snapshot.State);
        var skip = Assert.IsType<CommitDecision.Skip>(fired.Snapshot.Decision);
        Assert.Equal(SkipReason.BuildFailed, skip.Reason);
    }

    [Fact]
    public async Task A_refused_event_appends_nothing_of_its_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new JournalHarness();
        await harness.FireAllAsync([new SetupStarted(TestEvents.Setup())], ct);
        var before = harness.Store.Records;

        // DiskExposed and DiskMounted are permitted; BuilderRegistered is not (no daemon is ready), so none lands.
        var fired = await harness.FireAsync(
            TestSessions.Owner,
            [TestEvents.For(LifecycleTrigger.DiskExposed), TestEvents.For(LifecycleTrigger.DiskMounted), new BuilderRegistered("blacksmith")],
            ct);

        var refused = Assert.IsType<LifecycleTransition.Refused>(fired.Refused);
        Assert.Equal((LifecycleState.Starting, LifecycleTrigger.BuilderRegistered), (refused.State, refused.Trigger));
        Assert.Empty(fired.Applied);
        Assert.Equal(before, harness.Store.Records);
        Assert.Equal(LifecycleState.Mounting, fired.Snapshot.State);
        Assert.Null(fired.Snapshot.Disk.ExposeId);
        Assert.Equal(1, fired.Snapshot.Sequence);
    }

    [Fact]
    public async Task A_batch_whose_event_has_no_transition_in_the_state_an_earlier_event_reached_is_refused_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new JournalHarness();
        await harness.FireAllAsync([new SetupStarted(TestEvents.Setup())], ct);
        var before = harness.Store.Records;

        var fired = await harness.FireAsync(
            TestSessions.Owner,
            [TestEvents.For(LifecycleTrigger.DiskExposed), TestEvents.For(LifecycleTrigger.DiskMounted), new Drained()],
            ct);

        var refused = Assert.IsType<LifecycleTransition.Refused>(fired.Refused);
        Assert.Equal((LifecycleState.Starting, LifecycleTrigger.Drained), (refused.State, refused.Trigger));
        Assert.Equal(before, harness.Store.Records);
    }

    [Fact]
    public async Task Folding_the_journal_from_scratch_gives_the_snapshot_FireAsync_returned_after_every_firing()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new JournalHarness();
        (string Session, LifecycleEvent Event)[] job =
        [
            (TestSessions.Owner, new SetupStarted(TestEvents.Setup())),
            (TestSessions.Owner, new DiskExposed("expose-1", "/dev/vdb")),
            (TestSessions.Owner, new DiskMounted("/mnt/cache", true)),
            (TestSessions.Owner, new DaemonSpawned(TestEvents.Daemon)),
            (TestSessions.Owner, new DaemonReady(40)),
            (TestSessions.Owner, new BuilderRegistered("blacksmith")),
            (TestSessions.Attached, new SessionAttached(TestEvents.CacheKey)),
            (TestSessions.Owner, new BuildStarted("b1", "web")),
            (TestSessions.Attached, new BuildStarted("b2", "api")),
            (TestSessions.Owner, new BuildFinished("b1", BuildOutcome.Succeeded)),
            (TestSessions.Attached, new PostRequested()),
            (TestSessions.Owner, new PostRequested()),
            (TestSessions.Attached, new BuildFinished("b2", BuildOutcome.Succeeded, "late")),
            (TestSessions.Owner, new DaemonStopped(DaemonStopOutcome.AlreadyGone)),
            (TestSessions.Owner, new DiskUnmounted(true, 12)),
            (TestSessions.Owner, new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input", "all green")),
            (TestSessions.Owner, new DiskReleased(false, "agent unavailable")),
            (TestSessions.Owner, new Drained()),
            (TestSessions.Owner, new PostRequested()),
        ];

        foreach (var (session, @event) in job)
        {
            var fired = await harness.FireAsync(session, @event, ct);
            Assert.False(fired.IsRefused, $"{@event} from {session}: {fired.Refused?.Describe()}");

            var refolded = LifecycleFold.Fold(LifecycleSnapshot.Initial(session), harness.Store.Records);
            Assert.Equal(SnapshotText.Of(fired.Snapshot), SnapshotText.Of(refolded));
        }

        var final = await harness.LoadAsync(TestSessions.Owner, ct);
        Assert.Equal(LifecycleState.Done, final.State);
        Assert.Equal(BuildOutcome.Abandoned, final.FindBuild("b2")?.Outcome);
        Assert.Equal(false, final.Disk.Released);
        Assert.Equal(SkipReason.BuildAbandoned, Assert.IsType<CommitDecision.Skip>(final.Decision).Reason);
    }

    [Fact]
    public async Task Post_from_Failed_drains_releases_and_ends_in_Done_without_committing()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new JournalHarness();
        var failed = await harness.FireAllAsync(
            [
                new SetupStarted(TestEvents.Setup()), TestEvents.For(LifecycleTrigger.DiskExposed), TestEvents.For(LifecycleTrigger.DiskMounted),
                new DaemonSpawned(TestEvents.Daemon), new SetupFailed("ready", "buildkitd did not answer in 30s"),
            ],
            ct);
        Assert.Equal(LifecycleState.Failed, failed.State);

        var drained = await harness.FireAllAsync(
            [new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful), new DiskUnmounted(true, 5), new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input")],
            ct);
        Assert.Equal(LifecycleState.Draining, drained.State);
        var early = await harness.FireAsync(TestSessions.Owner, new Drained(), ct);
        Assert.True(early.IsRefused, "Drained must wait for the release a skipped commit owes");

        var done = await harness.FireAllAsync([new DiskReleased(true), new Drained()], ct);

        Assert.Equal(LifecycleState.Done, done.State);
        Assert.Equal(SkipReason.SetupFailed, Assert.IsType<CommitDecision.Skip>(done.Decision).Reason);
        Assert.DoesNotContain(harness.Store.Records, r => r.Kind == JournalRecordKind.Transition && r.Payload.GetProperty("to").GetString() == "Committing");
    }

    [Fact]
    public async Task A_failed_build_started_again_under_its_id_still_keeps_the_job_from_committing()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Ready, ct);
        await harness.FireAllAsync([new BuildStarted("b1", "web"), new BuildFinished("b1", BuildOutcome.Failed)], ct);

        // A host that reuses the build id (a retried step): each firing may be refused, and that is the point.
        await harness.FireAsync(TestSessions.Owner, new BuildStarted("b1", "web, retried"), ct);
        await harness.FireAsync(TestSessions.Owner, new BuildFinished("b1", BuildOutcome.Succeeded), ct);
        var drained = await harness.FireAllAsync(
            [
                new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful), new DiskUnmounted(true, 1),
                new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input"),
            ],
            ct);

        var decision = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(drained));
        Assert.Equal(SkipReason.BuildFailed, decision.Reason);
    }

    [Fact]
    public async Task An_effect_is_journaled_without_moving_the_lifecycle()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(LifecycleState.Mounting, ct);
        var before = await harness.LoadAsync(TestSessions.Owner, ct);

        await harness.Journal.RecordEffectAsync(
            TestSessions.Owner,
            new EffectRecord("stickydisk", "expose", new Dictionary<string, string> { ["cacheKey"] = TestEvents.CacheKey }, EffectOutcome.Succeeded, 12, JsonSerializer.SerializeToElement("expose-1", JournalJsonContext.Default.String)),
            ct);

        var effect = harness.Store.Records[^1];
        Assert.Equal((JournalRecordKind.Effect, "stickydisk.expose"), (effect.Kind, effect.Type));
        var after = await harness.LoadAsync(TestSessions.Owner, ct);
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.Sequence + 1, after.Sequence);
        Assert.Equal(SnapshotText.Of(before with { Sequence = after.Sequence, UpdatedAt = after.UpdatedAt }), SnapshotText.Of(after));
    }
}
