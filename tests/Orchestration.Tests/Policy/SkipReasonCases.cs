using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Policy;

/// <summary>
/// For each skip reason, a job where it is the first unmet commit condition. Built from real events wherever the
/// machine can reach the situation; where it cannot (the reason is always shadowed by an earlier one), the snapshot
/// is the committable one with that single fact changed, and the situation says so. A reason without a case throws,
/// so a new reason fails the tests until it gets one.
/// </summary>
internal static class SkipReasonCases
{
    public static SkipCase For(SkipReason reason) => reason switch
    {
        SkipReason.NoSetup => new("post ran in a job where no setup ran", new SnapshotBuilder().Snapshot, []),
        SkipReason.NotOwner => new(
            "an attached session looks at a job that would commit for its owner",
            Committable(viewer: TestSessions.Attached).Snapshot,
            []),
        SkipReason.SetupFailed => new(
            "the daemon never became ready; post stopped it and unmounted cleanly",
            new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().SpawnDaemon().FailSetup("ready").DrainCleanly().Snapshot,
            []),
        SkipReason.FallbackBuilder => new(
            "synthetic: the committable job on a fallback builder (a real fallback always follows a setup failure, which comes first)",
            Committable().Snapshot with { Mode = BuilderMode.Fallback },
            []),
        SkipReason.ForeignBuilder => new(
            "builds ran on a builder that was already running; nothing was exposed",
            new SnapshotBuilder().AttachForeignBuilder().Build("b1", BuildOutcome.Succeeded).Post().CheckEarlierSteps().Snapshot,
            [SkipReason.NoStickyDisk]),
        SkipReason.NoStickyDisk => new(
            "setup's host was killed before it exposed a disk; post ran",
            new SnapshotBuilder().StartSetup().Post().CheckEarlierSteps().Snapshot,
            []),
        SkipReason.CommitDisabled => new("commit: never", Committable(TestEvents.Setup(CommitMode.Never)).Snapshot, []),
        SkipReason.ForkPullRequest => new(
            "commit: auto in a pull request from a fork",
            Committable(TestEvents.Setup(CommitMode.Auto, forkPullRequest: true)).Snapshot,
            []),
        SkipReason.BuildFailed => new("one build failed", Committable(build: BuildOutcome.Failed).Snapshot, []),
        SkipReason.BuildCancelled => new("one build was cancelled", Committable(build: BuildOutcome.Cancelled).Snapshot, []),
        SkipReason.BuildAbandoned => new(
            "a build was still running when post began",
            new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded).StartBuild("b2").DrainCleanly().Snapshot,
            []),
        SkipReason.EarlierStepFailed => new("an earlier step failed", Committable(earlierSteps: EarlierStepsResult.Failed).Snapshot, []),
        SkipReason.EarlierStepsUnknown => new(
            "whether earlier steps succeeded was inconclusive",
            Committable(earlierSteps: EarlierStepsResult.Inconclusive).Snapshot,
            []),
        SkipReason.DaemonKilled => new("buildkitd needed SIGKILL", Committable(daemonStop: DaemonStopOutcome.Forced).Snapshot, []),
        // The disk stays mounted under a daemon that could not be stopped, so its unmount is unmet too.
        SkipReason.DaemonNotStopped => new("buildkitd could not be stopped", Committable(daemonStop: DaemonStopOutcome.Failed).Snapshot, [SkipReason.UnmountFailed]),
        SkipReason.UnmountFailed => new("the disk did not unmount cleanly", Committable(unmountClean: false).Snapshot, []),
        SkipReason.PostInterrupted => new(
            "post was killed after it unmounted; a post run again finished the drain",
            new SnapshotBuilder().CompleteSetup().Build("b1", BuildOutcome.Succeeded).Post().StopDaemon().Unmount().Post().CheckEarlierSteps().Snapshot,
            []),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "no skip case for this reason: add one to SkipReasonCases"),
    };

    /// <summary>
    /// A whole job through post up to (not including) Drained: a sticky-disk setup, one build, and every post step.
    /// With the defaults every commit condition holds.
    /// </summary>
    public static SnapshotBuilder Committable(
        SetupFacts? setup = null,
        BuildOutcome build = BuildOutcome.Succeeded,
        EarlierStepsResult earlierSteps = EarlierStepsResult.Succeeded,
        DaemonStopOutcome daemonStop = DaemonStopOutcome.Graceful,
        bool unmountClean = true,
        long? fsUsageBytes = TestEvents.FsUsageBytes,
        string viewer = TestSessions.Owner)
    {
        var drained = new SnapshotBuilder(viewer)
            .CompleteSetup(setup)
            .Build("b1", build)
            .Post()
            .StopDaemon(daemonStop);

        // The disk is never unmounted from under a daemon whose stop failed: the machine refuses it.
        return (daemonStop == DaemonStopOutcome.Failed ? drained : drained.Unmount(unmountClean, fsUsageBytes))
            .CheckEarlierSteps(earlierSteps);
    }
}
