using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>
/// One journal per state that reaches it the ordinary way, so the transition table starts every row from a
/// snapshot folded from real records. Each is chosen so that the natural next step of its state is permitted:
/// Mounting has exposed a disk, Starting has a ready daemon, Building runs <see cref="TestEvents.RunningBuildId"/>,
/// Draining has that build abandoned and nothing released yet.
/// </summary>
internal static class CanonicalStates
{
    public static IReadOnlyList<LifecycleEvent> EventsTo(LifecycleState state) => state switch
    {
        LifecycleState.Idle => [],
        LifecycleState.Mounting => [new SetupStarted(TestEvents.Setup()), TestEvents.For(LifecycleTrigger.DiskExposed)],
        LifecycleState.Starting =>
        [
            .. EventsTo(LifecycleState.Mounting),
            TestEvents.For(LifecycleTrigger.DiskMounted),
            TestEvents.For(LifecycleTrigger.DaemonSpawned),
            TestEvents.For(LifecycleTrigger.DaemonReady),
        ],
        LifecycleState.Ready => [.. EventsTo(LifecycleState.Starting), TestEvents.For(LifecycleTrigger.BuilderRegistered)],
        LifecycleState.Building => [.. EventsTo(LifecycleState.Ready), new BuildStarted(TestEvents.RunningBuildId, "api")],
        LifecycleState.Draining => [.. EventsTo(LifecycleState.Building), new PostRequested()],
        LifecycleState.Committing =>
        [
            .. EventsTo(LifecycleState.Building),
            new BuildFinished(TestEvents.RunningBuildId, BuildOutcome.Succeeded),
            new PostRequested(),
            new DaemonStopped(DaemonStopOutcome.Graceful),
            new DiskUnmounted(Clean: true, TestEvents.FsUsageBytes),
            new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input"),
            new Drained(),
        ],
        LifecycleState.Done => [.. EventsTo(LifecycleState.Committing), new CommitRequested(TestEvents.FsUsageBytes)],
        LifecycleState.Failed => [new SetupStarted(TestEvents.Setup()), new SetupFailed("mount", "mount exited with 32")],
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "no way to reach this state: add one"),
    };

    /// <summary>A journal holding the records that reach <paramref name="state"/>, all fired by the owner.</summary>
    public static async ValueTask<JournalHarness> ReachAsync(LifecycleState state, CancellationToken cancellationToken)
    {
        var harness = new JournalHarness();
        var snapshot = await harness.FireAllAsync(EventsTo(state), cancellationToken);
        if (snapshot.State != state)
        {
            throw new InvalidOperationException($"the events meant to reach {state} reached {snapshot.State}");
        }

        return harness;
    }
}
