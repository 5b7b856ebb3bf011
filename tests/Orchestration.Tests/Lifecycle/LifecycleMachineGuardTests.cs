using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>The guards, each from a snapshot reached by real events, on both sides of its condition.</summary>
public sealed class LifecycleMachineGuardTests
{
    private static readonly DateTimeOffset At = SnapshotBuilder.Start.AddHours(1);

    [Fact]
    public void DiskMounted_is_refused_until_a_disk_was_exposed()
    {
        var mounting = new SnapshotBuilder().StartSetup().Snapshot;

        var refused = AssertRefused(Evaluate(mounting, new DiskMounted(TestEvents.MountPoint, false)));

        Assert.Contains("a disk was exposed", refused.Unmet);
    }

    [Fact]
    public void DiskMounted_moves_to_Starting_once_a_disk_was_exposed()
    {
        var exposed = new SnapshotBuilder().StartSetup().ExposeDisk().Snapshot;

        var moved = AssertMoved(Evaluate(exposed, new DiskMounted(TestEvents.MountPoint, true)), LifecycleState.Mounting, LifecycleState.Starting);

        Assert.True(moved.After.Disk.Mounted);
        Assert.True(moved.After.Disk.Formatted);
    }

    [Fact]
    public void DaemonReady_is_refused_before_a_daemon_was_spawned()
    {
        var starting = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().Snapshot;

        var refused = AssertRefused(Evaluate(starting, new DaemonReady(10)));

        Assert.Contains("the daemon was spawned", refused.Unmet);
    }

    [Fact]
    public void DaemonReady_is_permitted_once_the_daemon_was_spawned_and_stays_Starting()
    {
        var spawned = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().SpawnDaemon().Snapshot;

        var moved = AssertMoved(Evaluate(spawned, new DaemonReady(10)), LifecycleState.Starting, LifecycleState.Starting);

        Assert.True(moved.After.DaemonReady);
    }

    [Fact]
    public void BuilderRegistered_is_refused_until_the_daemon_is_ready()
    {
        var spawned = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().SpawnDaemon().Snapshot;

        var refused = AssertRefused(Evaluate(spawned, new BuilderRegistered("blacksmith")));

        Assert.Contains("the daemon is ready", refused.Unmet);
    }

    [Fact]
    public void BuildFinished_of_an_unknown_build_is_refused()
    {
        var building = new SnapshotBuilder().CompleteSetup().StartBuild("b1").Snapshot;

        AssertRefused(Evaluate(building, new BuildFinished("never-started", BuildOutcome.Succeeded)));
    }

    [Fact]
    public void BuildFinished_of_a_build_that_already_finished_is_refused()
    {
        var building = new SnapshotBuilder().CompleteSetup().StartBuild("b1").StartBuild("b2").FinishBuild("b1", BuildOutcome.Failed).Snapshot;

        AssertRefused(Evaluate(building, new BuildFinished("b1", BuildOutcome.Succeeded)));
        Assert.Equal(BuildOutcome.Failed, building.FindBuild("b1")?.Outcome);
    }

    [Fact]
    public void BuildFinished_while_other_builds_run_stays_Building()
    {
        var building = new SnapshotBuilder().CompleteSetup().StartBuild("b1").StartBuild("b2", TestSessions.Attached).Snapshot;

        var moved = AssertMoved(Evaluate(building, new BuildFinished("b1", BuildOutcome.Failed)), LifecycleState.Building, LifecycleState.Building);

        Assert.Equal(1, moved.After.BuildsInFlight);
        Assert.Equal(BuildOutcome.Failed, moved.After.FindBuild("b1")?.Outcome);
        Assert.Equal(At, moved.After.FindBuild("b1")?.FinishedAt);
    }

    [Fact]
    public void The_last_BuildFinished_goes_to_Ready()
    {
        var building = new SnapshotBuilder().CompleteSetup().StartBuild("b1").StartBuild("b2").FinishBuild("b1", BuildOutcome.Succeeded).Snapshot;

        var moved = AssertMoved(Evaluate(building, new BuildFinished("b2", BuildOutcome.Cancelled)), LifecycleState.Building, LifecycleState.Ready);

        Assert.Equal(0, moved.After.BuildsInFlight);
        Assert.Equal(BuildOutcome.Cancelled, moved.After.FindBuild("b2")?.Outcome);
    }

    [Fact]
    public void BuildStarted_with_the_id_of_a_running_build_is_refused()
    {
        var building = new SnapshotBuilder().CompleteSetup().StartBuild("b1").Snapshot;

        var refused = AssertRefused(Evaluate(building, new BuildStarted("b1", "again")));

        Assert.Contains("the build id is new", refused.Unmet);
    }

    [Fact]
    public void BuildStarted_reusing_the_id_of_a_finished_build_is_refused_so_its_failure_is_not_erased()
    {
        // The rule is the one Building states ("the build id is new"): a build id names one build. Without it in
        // Ready, a failed build started again under its id would be overwritten as Running, then as Succeeded,
        // and the job would commit despite the failure.
        var ready = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Failed).Snapshot;

        AssertRefused(Evaluate(ready, new BuildStarted("b1", "retry")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SessionAttached_with_a_different_cache_key_is_refused_naming_the_guard(bool whileBuilding)
    {
        var builder = new SnapshotBuilder().CompleteSetup();
        var snapshot = (whileBuilding ? builder.StartBuild("b1") : builder).Snapshot;

        var refused = AssertRefused(Evaluate(snapshot, new SessionAttached(TestEvents.OtherCacheKey), TestSessions.Attached));

        Assert.Contains("the cache key is the running builder's", refused.Describe(), StringComparison.Ordinal);
        Assert.Equal(snapshot.State, refused.State);
    }

    [Fact]
    public void SessionAttached_with_the_same_cache_key_records_the_session_and_stays_put()
    {
        var ready = new SnapshotBuilder().CompleteSetup().Snapshot;

        var moved = AssertMoved(Evaluate(ready, new SessionAttached(TestEvents.CacheKey), TestSessions.Attached), LifecycleState.Ready, LifecycleState.Ready);

        Assert.Equal([TestSessions.Attached], moved.After.AttachedSessions);
        Assert.Equal(TestSessions.Owner, moved.After.OwnerSession);
    }

    public static TheoryData<LifecycleState> StatesThatMayHoldSomething() =>
        [LifecycleState.Mounting, LifecycleState.Starting, LifecycleState.Ready, LifecycleState.Building, LifecycleState.Failed];

    [Theory]
    [MemberData(nameof(StatesThatMayHoldSomething))]
    public void PostRequested_from_a_session_that_does_not_own_the_builder_leaves_everything_as_it_is(LifecycleState state)
    {
        var snapshot = Reach(state).Snapshot;

        var moved = AssertMoved(Evaluate(snapshot, new PostRequested(), TestSessions.Attached), state, state);

        Assert.False(moved.After.PostStarted);
        Assert.Equal(snapshot.Builds.Select(b => b.Outcome), moved.After.Builds.Select(b => b.Outcome));
    }

    [Theory]
    [MemberData(nameof(StatesThatMayHoldSomething))]
    public void PostRequested_from_the_owner_moves_to_Draining(LifecycleState state)
    {
        var snapshot = Reach(state).Snapshot;

        var moved = AssertMoved(Evaluate(snapshot, new PostRequested()), state, LifecycleState.Draining);

        Assert.True(moved.After.PostStarted);
    }

    [Fact]
    public void PostRequested_from_the_owner_marks_the_builds_still_running_as_abandoned()
    {
        var building = new SnapshotBuilder().CompleteSetup()
            .Build("done", BuildOutcome.Succeeded)
            .StartBuild("mine")
            .AttachSession()
            .StartBuild("theirs", TestSessions.Attached)
            .Snapshot;

        var moved = AssertMoved(Evaluate(building, new PostRequested()), LifecycleState.Building, LifecycleState.Draining);

        Assert.Equal(BuildOutcome.Succeeded, moved.After.FindBuild("done")?.Outcome);
        Assert.Equal(BuildOutcome.Abandoned, moved.After.FindBuild("mine")?.Outcome);
        Assert.Equal(BuildOutcome.Abandoned, moved.After.FindBuild("theirs")?.Outcome);
        Assert.Equal(0, moved.After.BuildsInFlight);
    }

    [Fact]
    public void An_abandoned_build_that_finishes_while_draining_stays_abandoned()
    {
        var draining = new SnapshotBuilder().CompleteSetup().StartBuild("b1").Post().Snapshot;

        var moved = AssertMoved(Evaluate(draining, new BuildFinished("b1", BuildOutcome.Succeeded)), LifecycleState.Draining, LifecycleState.Draining);

        Assert.Equal(BuildOutcome.Abandoned, moved.After.FindBuild("b1")?.Outcome);
        AssertRefused(Evaluate(moved.After, new BuildFinished("b1", BuildOutcome.Succeeded)));
    }

    [Fact]
    public void Drained_is_refused_while_the_daemon_is_not_stopped()
    {
        var draining = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded)
            .Post().CheckEarlierSteps().Snapshot;

        AssertRefused(Evaluate(draining, new Drained()));
        var stopped = Next(Next(draining, new DaemonStopped(DaemonStopOutcome.Graceful)), new DiskUnmounted(true, 1));
        AssertMoved(Evaluate(stopped, new Drained()), LifecycleState.Draining, LifecycleState.Committing);
    }

    [Theory]
    [InlineData(DaemonStopOutcome.None)]
    [InlineData(DaemonStopOutcome.Failed)]
    public void DiskUnmounted_is_refused_while_the_daemon_may_still_run_on_the_disk(DaemonStopOutcome stop)
    {
        var builder = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded).Post();
        var draining = (stop == DaemonStopOutcome.None ? builder : builder.StopDaemon(stop)).Snapshot;

        var refused = AssertRefused(Evaluate(draining, new DiskUnmounted(true, 1)));

        Assert.False(LifecycleMachine.IsUnmountDue(draining));
        Assert.Contains("the disk is still mounted, no daemon may run on it and no look is owed", refused.Unmet);
    }

    [Fact]
    public void DiskUnmounted_is_refused_while_a_look_for_what_an_unfinished_setup_left_is_owed()
    {
        var draining = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().Post()
            .Fire(new HoldingsFound(Unsearched: "the daemon: ps failed")).Snapshot;

        AssertRefused(Evaluate(draining, new DiskUnmounted(true, 1)));
        Assert.False(LifecycleMachine.IsUnmountDue(draining));
    }

    [Fact]
    public void DaemonExited_is_refused_once_the_daemon_was_restarted_so_setup_spawns_it_at_most_twice()
    {
        var restarted = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().SpawnDaemon()
            .Fire(new DaemonExited("panic: freepages", "/var/lib/buildkit/history.db.corrupt")).SpawnDaemon().Snapshot;

        var refused = AssertRefused(Evaluate(restarted, new DaemonExited("panic: freepages again", null)));

        Assert.False(LifecycleMachine.MayRestartDaemon(restarted));
        Assert.Equal(LifecycleMachine.MaxDaemonRestarts, restarted.DaemonRestarts);
        Assert.Contains("a spawned daemon exited before it was ready, and it was not restarted yet", refused.Unmet);
    }

    [Fact]
    public void Drained_is_refused_while_the_disk_is_not_unmounted()
    {
        var draining = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded)
            .Post().StopDaemon().CheckEarlierSteps().Snapshot;

        AssertRefused(Evaluate(draining, new Drained()));
        AssertMoved(Evaluate(Next(draining, new DiskUnmounted(true, 1)), new Drained()), LifecycleState.Draining, LifecycleState.Committing);
    }

    [Fact]
    public void Drained_is_refused_while_a_skipped_commit_still_owes_the_release_of_its_expose_id()
    {
        var draining = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Failed).DrainCleanly().Snapshot;

        AssertRefused(Evaluate(draining, new Drained()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Drained_goes_to_Done_once_the_skipped_commit_was_released_whether_or_not_the_store_accepted(bool accepted)
    {
        var draining = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Failed).DrainCleanly().Snapshot;
        var released = AssertMoved(Evaluate(draining, new DiskReleased(accepted)), LifecycleState.Draining, LifecycleState.Draining).After;

        AssertMoved(Evaluate(released, new Drained()), LifecycleState.Draining, LifecycleState.Done);
        AssertRefused(Evaluate(released, new DiskReleased(true)));
    }

    [Fact]
    public void Drained_goes_to_Done_without_a_release_when_release_on_skip_is_off()
    {
        var draining = new SnapshotBuilder().CompleteSetup(TestEvents.Setup(releaseOnSkip: false))
            .Build("b1", BuildOutcome.Failed).DrainCleanly().Snapshot;

        AssertRefused(Evaluate(draining, new DiskReleased(true)));
        AssertMoved(Evaluate(draining, new Drained()), LifecycleState.Draining, LifecycleState.Done);
    }

    [Fact]
    public void DiskReleased_is_refused_when_the_policy_commits()
    {
        var draining = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded).DrainCleanly().Snapshot;

        AssertRefused(Evaluate(draining, new DiskReleased(true)));
    }

    [Fact]
    public void Drained_moves_to_Committing_when_every_build_succeeded()
    {
        var draining = new SnapshotBuilder().CompleteSetup()
            .Build("b1", BuildOutcome.Succeeded)
            .AttachSession()
            .Build("b2", BuildOutcome.Succeeded, TestSessions.Attached)
            .DrainCleanly().Snapshot;

        AssertMoved(Evaluate(draining, new Drained()), LifecycleState.Draining, LifecycleState.Committing);
    }

    [Fact]
    public void Drained_from_a_session_that_does_not_own_the_builder_is_refused()
    {
        // Only the owner drains and commits (LifecycleSnapshot.OwnerSession). An attached session's Drained would
        // otherwise end the lifecycle with a NotOwner skip and leave the owner's expose id neither committed nor released.
        var draining = new SnapshotBuilder().CompleteSetup().AttachSession()
            .Build("b1", BuildOutcome.Succeeded).DrainCleanly().Snapshot;

        AssertRefused(Evaluate(draining, new Drained(), TestSessions.Attached));
    }

    [Theory]
    [InlineData(LifecycleTrigger.DaemonStopped)]
    [InlineData(LifecycleTrigger.DiskUnmounted)]
    [InlineData(LifecycleTrigger.EarlierStepsChecked)]
    public void A_post_step_from_a_session_that_does_not_own_the_builder_is_refused_while_the_owner_drains(LifecycleTrigger trigger)
    {
        var owner = new SnapshotBuilder().CompleteSetup().AttachSession().Build("b1", BuildOutcome.Succeeded).Post();
        // An unmount is due only once the daemon is stopped.
        var draining = (trigger == LifecycleTrigger.DiskUnmounted ? owner.StopDaemon() : owner).Snapshot;

        AssertRefused(Evaluate(draining, TestEvents.For(trigger), TestSessions.Attached));
        AssertMoved(Evaluate(draining, TestEvents.For(trigger)), LifecycleState.Draining, LifecycleState.Draining);
    }

    [Fact]
    public void A_release_from_a_session_that_does_not_own_the_builder_is_refused_while_one_is_due()
    {
        var draining = new SnapshotBuilder().CompleteSetup().AttachSession().Build("b1", BuildOutcome.Failed).DrainCleanly().Snapshot;

        AssertRefused(Evaluate(draining, new DiskReleased(true), TestSessions.Attached));
        AssertMoved(Evaluate(draining, new DiskReleased(true)), LifecycleState.Draining, LifecycleState.Draining);
    }

    [Theory]
    [InlineData(LifecycleTrigger.CommitRequested)]
    [InlineData(LifecycleTrigger.CommitFailed)]
    public void Committing_ends_in_Done_whether_the_commit_request_was_accepted_or_failed(LifecycleTrigger trigger)
    {
        var committing = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded).DrainCleanly().Drain().Snapshot;
        Assert.Equal(LifecycleState.Committing, committing.State);

        var moved = AssertMoved(Evaluate(committing, TestEvents.For(trigger)), LifecycleState.Committing, LifecycleState.Done);

        Assert.Equal(trigger == LifecycleTrigger.CommitRequested, moved.After.CommitAccepted);
    }

    [Theory]
    [InlineData(TestSessions.Owner)]
    [InlineData(TestSessions.Attached)]
    public void Done_ignores_PostRequested(string session)
    {
        var done = new SnapshotBuilder().CompleteSetup().AttachSession().Build("b1", BuildOutcome.Succeeded)
            .DrainCleanly().Drain().Fire(new CommitRequested(1)).Snapshot with
        { Viewer = session };
        Assert.Equal(LifecycleState.Done, done.State);

        var moved = AssertMoved(Evaluate(done, new PostRequested(), session), LifecycleState.Done, LifecycleState.Done);

        Assert.Equal(SnapshotText.Of(done with { UpdatedAt = At }), SnapshotText.Of(moved.After));
    }

    [Fact]
    public void Failed_then_FallbackActivated_is_Ready_on_a_fallback_builder()
    {
        var failed = new SnapshotBuilder().StartSetup().FailSetup("expose").Snapshot;
        Assert.Equal(LifecycleState.Failed, failed.State);

        var moved = AssertMoved(Evaluate(failed, new FallbackActivated("fallback", "expose failed")), LifecycleState.Failed, LifecycleState.Ready);

        Assert.Equal(BuilderMode.Fallback, moved.After.Mode);
        Assert.True(moved.After.SetupFailed);
        AssertMoved(Evaluate(moved.After, new BuildStarted("b1", "web")), LifecycleState.Ready, LifecycleState.Building);
    }

    [Theory]
    [InlineData("expose")]
    [InlineData("mount")]
    [InlineData("spawn")]
    [InlineData("ready")]
    [InlineData("register")]
    public void SetupFailed_at_any_setup_step_moves_to_Failed_and_keeps_what_was_acquired(string step)
    {
        var builder = new SnapshotBuilder().StartSetup();
        var steps = new Dictionary<string, Action>
        {
            ["mount"] = () => builder.ExposeDisk(),
            ["spawn"] = () => builder.ExposeDisk().MountDisk(),
            ["ready"] = () => builder.ExposeDisk().MountDisk().SpawnDaemon(),
            ["register"] = () => builder.ExposeDisk().MountDisk().SpawnDaemon().DaemonIsReady(),
        };
        if (steps.TryGetValue(step, out var acquire))
        {
            acquire();
        }

        var before = builder.Snapshot;
        var moved = AssertMoved(Evaluate(before, new SetupFailed(step, "boom")), before.State, LifecycleState.Failed);

        Assert.Equal($"{step}: boom", moved.After.SetupFailure);
        Assert.Equal(before.Disk, moved.After.Disk);
        Assert.Equal(before.Daemon, moved.After.Daemon);
    }

    private static SnapshotBuilder Reach(LifecycleState state)
    {
        var builder = new SnapshotBuilder();
        return state switch
        {
            LifecycleState.Mounting => builder.StartSetup().ExposeDisk(),
            LifecycleState.Starting => builder.StartSetup().ExposeDisk().MountDisk().SpawnDaemon(),
            LifecycleState.Ready => builder.CompleteSetup().AttachSession().Build("b0", BuildOutcome.Succeeded),
            LifecycleState.Building => builder.CompleteSetup().AttachSession().StartBuild("b1").StartBuild("b2", TestSessions.Attached),
            LifecycleState.Failed => builder.StartSetup().ExposeDisk().FailSetup(),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        };
    }

    private static LifecycleTransition Evaluate(LifecycleSnapshot snapshot, LifecycleEvent @event, string session = TestSessions.Owner) =>
        LifecycleMachine.Evaluate(snapshot with { Viewer = session }, @event, new EventContext(session, At));

    private static LifecycleSnapshot Next(LifecycleSnapshot snapshot, LifecycleEvent @event) =>
        AssertMoved(Evaluate(snapshot, @event), snapshot.State, snapshot.State).After;

    private static LifecycleTransition.Refused AssertRefused(LifecycleTransition transition) =>
        Assert.IsType<LifecycleTransition.Refused>(transition);

    private static LifecycleTransition.Moved AssertMoved(LifecycleTransition transition, LifecycleState from, LifecycleState to)
    {
        var moved = Assert.IsType<LifecycleTransition.Moved>(transition);
        Assert.Equal(from, moved.From);
        Assert.Equal(to, moved.To);
        Assert.Equal(to, moved.After.State);
        return moved;
    }
}
