using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Testing;

/// <summary>
/// Builds a snapshot by firing real events through <see cref="LifecycleMachine.Evaluate"/>, so a test only ever
/// starts from a snapshot the machine can reach. A refusal while building is a mistake in the test's setup and
/// throws. Each event is evaluated as its own session sees the lifecycle (the viewer is the sender), as the
/// journal does it; <see cref="Snapshot"/> is then shown to the builder's viewer.
/// </summary>
public sealed class SnapshotBuilder
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string _viewer;
    private LifecycleSnapshot _snapshot;
    private DateTimeOffset _now = Start;

    public SnapshotBuilder(string viewer = TestSessions.Owner)
    {
        _viewer = viewer;
        _snapshot = LifecycleSnapshot.Initial(viewer);
    }

    public LifecycleSnapshot Snapshot => _snapshot with { Viewer = _viewer };

    /// <summary>The time the next event is recorded at.</summary>
    public DateTimeOffset Now => _now;

    public SnapshotBuilder Fire(LifecycleEvent @event, string session = TestSessions.Owner)
    {
        _now = _now.AddSeconds(1);
        var before = _snapshot with { Viewer = session };
        _snapshot = LifecycleMachine.Evaluate(before, @event, new EventContext(session, _now)) switch
        {
            LifecycleTransition.Moved moved => moved.After,
            LifecycleTransition.Refused refused => throw new InvalidOperationException(
                $"test setup fired {@event} from {session} and the machine refused: {refused.Describe()}"),
            _ => throw new InvalidOperationException("unknown transition kind"),
        };
        return this;
    }

    public SnapshotBuilder StartSetup(SetupFacts? setup = null) => Fire(new SetupStarted(setup ?? TestEvents.Setup()));

    public SnapshotBuilder ExposeDisk(string exposeId = TestEvents.ExposeId) => Fire(new DiskExposed(exposeId, "/dev/vdb"));

    public SnapshotBuilder MountDisk() => Fire(new DiskMounted(TestEvents.MountPoint, Formatted: false));

    public SnapshotBuilder SpawnDaemon() => Fire(new DaemonSpawned(TestEvents.Daemon));

    public SnapshotBuilder DaemonIsReady() => Fire(new DaemonReady(250));

    public SnapshotBuilder RegisterBuilder() => Fire(new BuilderRegistered("blacksmith"));

    /// <summary>Setup from start to a registered builder on a mounted sticky disk: the lifecycle is Ready.</summary>
    public SnapshotBuilder CompleteSetup(SetupFacts? setup = null) =>
        StartSetup(setup).ExposeDisk().MountDisk().SpawnDaemon().DaemonIsReady().RegisterBuilder();

    public SnapshotBuilder FailSetup(string step = "mount") => Fire(new SetupFailed(step, $"{step} failed"));

    public SnapshotBuilder ActivateFallback() => Fire(new FallbackActivated("fallback", "setup failed"));

    public SnapshotBuilder AttachForeignBuilder(SetupFacts? setup = null) =>
        Fire(new BuilderAttached(setup ?? TestEvents.Setup(), "existing-builder", "tcp://127.0.0.1:4321", "a builder was already running"));

    public SnapshotBuilder AttachSession(string session = TestSessions.Attached, string cacheKey = TestEvents.CacheKey) =>
        Fire(new SessionAttached(cacheKey), session);

    public SnapshotBuilder StartBuild(string buildId, string session = TestSessions.Owner) =>
        Fire(new BuildStarted(buildId, $"build {buildId}"), session);

    public SnapshotBuilder FinishBuild(string buildId, BuildOutcome outcome, string session = TestSessions.Owner) =>
        Fire(new BuildFinished(buildId, outcome), session);

    /// <summary>Starts and finishes a build with <paramref name="outcome"/>.</summary>
    public SnapshotBuilder Build(string buildId, BuildOutcome outcome, string session = TestSessions.Owner) =>
        StartBuild(buildId, session).FinishBuild(buildId, outcome, session);

    public SnapshotBuilder Post(string session = TestSessions.Owner) => Fire(new PostRequested(), session);

    public SnapshotBuilder StopDaemon(DaemonStopOutcome outcome = DaemonStopOutcome.Graceful) => Fire(new DaemonStopped(outcome));

    public SnapshotBuilder Unmount(bool clean = true, long? fsUsageBytes = TestEvents.FsUsageBytes) =>
        Fire(new DiskUnmounted(clean, fsUsageBytes, clean ? null : "target is busy"));

    public SnapshotBuilder CheckEarlierSteps(EarlierStepsResult result = EarlierStepsResult.Succeeded) =>
        Fire(new EarlierStepsChecked(result, "job-status input"));

    public SnapshotBuilder Release(bool accepted = true) => Fire(new DiskReleased(accepted, accepted ? null : "agent unavailable"));

    public SnapshotBuilder Drain() => Fire(new Drained());

    /// <summary>
    /// The owner's post with every release step done the good way (graceful stop, clean unmount, earlier steps
    /// succeeded), stopping before Drained: a job whose builds all succeeded is then ready to commit.
    /// </summary>
    public SnapshotBuilder DrainCleanly() => Post().StopDaemon().Unmount().CheckEarlierSteps();
}
