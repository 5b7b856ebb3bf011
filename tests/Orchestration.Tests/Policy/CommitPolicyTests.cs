using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Policy;

public sealed class CommitPolicyTests
{
    public static TheoryData<SkipReason> EverySkipReason() => [.. Enum.GetValues<SkipReason>()];

    [Theory]
    [MemberData(nameof(EverySkipReason))]
    public void Each_skip_reason_is_the_decision_when_it_is_the_first_unmet_condition(SkipReason reason)
    {
        var @case = SkipReasonCases.For(reason);

        var decision = CommitPolicy.Decide(@case.Snapshot);

        var skip = Assert.IsType<CommitDecision.Skip>(decision);
        Assert.True(reason == skip.Reason, $"{@case.Situation}: expected {reason}, decided {skip}");
        Assert.Equal(@case.Also, skip.Also);
        Assert.False(string.IsNullOrWhiteSpace(skip.Detail));
    }

    [Fact]
    public void Every_skip_reason_has_a_case()
    {
        var missing = Enum.GetValues<SkipReason>()
            .Where(reason =>
            {
                try
                {
                    _ = SkipReasonCases.For(reason);
                    return false;
                }
                catch (ArgumentOutOfRangeException)
                {
                    return true;
                }
            })
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Commit_when_every_condition_holds_carries_the_filesystem_usage_measured_before_unmount()
    {
        var snapshot = SkipReasonCases.Committable(fsUsageBytes: 987_654_321).Snapshot;

        var decision = CommitPolicy.Decide(snapshot);

        var commit = Assert.IsType<CommitDecision.Commit>(decision);
        Assert.Equal(987_654_321, commit.FsUsageBytes);
        Assert.True(decision.IsCommit);
    }

    [Fact]
    public void A_setup_that_never_finished_after_mounting_skips_the_commit_even_when_the_job_reports_success()
    {
        var snapshot = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().SpawnDaemon().DrainCleanly().Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));

        Assert.Equal(SkipReason.SetupFailed, skip.Reason);
        Assert.Contains("never finished", skip.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_daemon_that_was_already_gone_at_post_does_not_block_the_commit()
    {
        var snapshot = SkipReasonCases.Committable(daemonStop: DaemonStopOutcome.AlreadyGone).Snapshot;

        Assert.IsType<CommitDecision.Commit>(CommitPolicy.Decide(snapshot));
    }

    [Fact]
    public void A_daemon_that_had_to_be_killed_blocks_the_commit()
    {
        var snapshot = SkipReasonCases.Committable(daemonStop: DaemonStopOutcome.Forced).Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));
        Assert.Equal(SkipReason.DaemonKilled, skip.Reason);
    }

    [Fact]
    public void A_daemon_whose_stop_was_never_recorded_blocks_the_commit()
    {
        var snapshot = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded)
            .Post().CheckEarlierSteps().Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));
        Assert.Equal(SkipReason.DaemonNotStopped, skip.Reason);
    }

    [Fact]
    public void A_disk_whose_unmount_was_never_recorded_blocks_the_commit()
    {
        var snapshot = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded)
            .Post().StopDaemon().CheckEarlierSteps().Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));
        Assert.Equal(SkipReason.UnmountFailed, skip.Reason);
    }

    [Fact]
    public void Earlier_steps_that_were_cancelled_count_as_failed()
    {
        var snapshot = SkipReasonCases.Committable(earlierSteps: EarlierStepsResult.Cancelled).Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));
        Assert.Equal(SkipReason.EarlierStepFailed, skip.Reason);
    }

    [Fact]
    public void Earlier_steps_that_were_never_checked_are_unknown()
    {
        var snapshot = new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded)
            .Post().StopDaemon().Unmount().Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));
        Assert.Equal(SkipReason.EarlierStepsUnknown, skip.Reason);
    }

    [Fact]
    public void A_build_still_marked_running_counts_as_abandoned()
    {
        var committable = SkipReasonCases.Committable().Snapshot;
        var running = committable.Builds[0] with { Outcome = BuildOutcome.Running, FinishedAt = null };

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(committable with { Builds = [running] }));

        Assert.Equal(SkipReason.BuildAbandoned, skip.Reason);
    }

    [Fact]
    public void A_build_of_an_attached_session_that_failed_blocks_the_owners_commit()
    {
        var snapshot = new SnapshotBuilder().CompleteSetup().AttachSession()
            .Build("b1", BuildOutcome.Succeeded)
            .Build("b2", BuildOutcome.Failed, TestSessions.Attached)
            .DrainCleanly().Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));
        Assert.Equal(SkipReason.BuildFailed, skip.Reason);
        Assert.Contains("build b2", skip.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Commit_always_on_success_commits_from_a_fork()
    {
        var snapshot = SkipReasonCases.Committable(TestEvents.Setup(CommitMode.AlwaysOnSuccess, forkPullRequest: true)).Snapshot;

        Assert.IsType<CommitDecision.Commit>(CommitPolicy.Decide(snapshot));
    }

    [Fact]
    public void A_fallback_after_a_failed_setup_skips_for_the_setup_failure_first_and_the_fallback_next()
    {
        var snapshot = new SnapshotBuilder().StartSetup().FailSetup("expose").ActivateFallback()
            .Build("b1", BuildOutcome.Succeeded).Post().CheckEarlierSteps().Snapshot;

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(snapshot));

        Assert.Equal(SkipReason.SetupFailed, skip.Reason);
        Assert.Equal([SkipReason.FallbackBuilder, SkipReason.NoStickyDisk], skip.Also);
    }

    [Fact]
    public void Every_unmet_condition_is_reported_in_the_policys_order()
    {
        var builder = new SnapshotBuilder().CompleteSetup(TestEvents.Setup(CommitMode.Auto, forkPullRequest: true))
            .StartBuild("failed").StartBuild("cancelled").StartBuild("running")
            .FinishBuild("failed", BuildOutcome.Failed).FinishBuild("cancelled", BuildOutcome.Cancelled)
            .Post().StopDaemon(DaemonStopOutcome.Forced).Unmount(clean: false).CheckEarlierSteps(EarlierStepsResult.Failed);

        var skip = Assert.IsType<CommitDecision.Skip>(CommitPolicy.Decide(builder.Snapshot));

        Assert.Equal(SkipReason.ForkPullRequest, skip.Reason);
        Assert.Equal(
            [SkipReason.BuildFailed, SkipReason.BuildCancelled, SkipReason.BuildAbandoned, SkipReason.EarlierStepFailed, SkipReason.DaemonKilled, SkipReason.UnmountFailed],
            skip.Also);
    }
}
