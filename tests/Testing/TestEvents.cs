using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Testing;

/// <summary>
/// One well-formed event per trigger with fixed facts. Tests that need the facts to vary use
/// <see cref="LifecycleEventFaker"/>; these exist so that a table of transitions can name "the" event of a trigger.
/// </summary>
public static class TestEvents
{
    public const string CacheKey = "cache-key";
    public const string OtherCacheKey = "other-cache-key";
    public const string ExposeId = "expose-1";
    public const string MountPoint = "/var/lib/buildkit";
    public const long FsUsageBytes = 4_096_000;

    /// <summary>The build <see cref="For"/> finishes; the build it starts is <see cref="NewBuildId"/>.</summary>
    public const string RunningBuildId = "b1";
    public const string NewBuildId = "b2";

    public static SetupFacts Setup(
        CommitMode commitMode = CommitMode.Auto,
        bool forkPullRequest = false,
        bool releaseOnSkip = true) =>
        new(CacheKey, "agent", commitMode, forkPullRequest, releaseOnSkip);

    public static DaemonIdentity Daemon { get; } = new(4242, 123_456, "tcp://127.0.0.1:1234", "/tmp/job/buildkitd.log", "/var/lib/buildkit");

    /// <summary>The canonical event of <paramref name="trigger"/>; a new trigger without a case here throws.</summary>
    public static LifecycleEvent For(LifecycleTrigger trigger) => trigger switch
    {
        LifecycleTrigger.SetupStarted => new SetupStarted(Setup()),
        LifecycleTrigger.BuilderAttached => new BuilderAttached(Setup(), "existing-builder", "tcp://127.0.0.1:4321", "a builder was already running"),
        LifecycleTrigger.SessionAttached => new SessionAttached(CacheKey),
        LifecycleTrigger.DiskExposed => new DiskExposed(ExposeId, "/dev/vdb"),
        LifecycleTrigger.DiskMounted => new DiskMounted(MountPoint, Formatted: false),
        LifecycleTrigger.DaemonSpawned => new DaemonSpawned(Daemon),
        LifecycleTrigger.DaemonReady => new DaemonReady(250),
        LifecycleTrigger.DaemonExited => new DaemonExited("panic: freepages", "/var/lib/buildkit/history.db.corrupt"),
        LifecycleTrigger.BuilderRegistered => new BuilderRegistered("blacksmith"),
        LifecycleTrigger.SetupFailed => new SetupFailed("mount", "mount exited with 32"),
        LifecycleTrigger.FallbackActivated => new FallbackActivated("fallback", "setup failed"),
        LifecycleTrigger.BuildStarted => new BuildStarted(NewBuildId, "web"),
        LifecycleTrigger.BuildFinished => new BuildFinished(RunningBuildId, BuildOutcome.Succeeded),
        LifecycleTrigger.PostRequested => new PostRequested(),
        LifecycleTrigger.DaemonStopped => new DaemonStopped(DaemonStopOutcome.Graceful),
        LifecycleTrigger.DiskUnmounted => new DiskUnmounted(Clean: true, FsUsageBytes),
        LifecycleTrigger.EarlierStepsChecked => new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input"),
        LifecycleTrigger.DiskReleased => new DiskReleased(Accepted: true),
        LifecycleTrigger.Drained => new Drained(),
        LifecycleTrigger.CommitRequested => new CommitRequested(FsUsageBytes),
        LifecycleTrigger.CommitFailed => new CommitFailed("the agent refused the commit"),
        LifecycleTrigger.HoldingsFound => new HoldingsFound(MountPoint: MountPoint, Daemon: Daemon),
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "no canonical event for this trigger: add one"),
    };

    /// <summary>The session that sends the canonical event: an attach comes from a later session, the rest from the owner.</summary>
    public static string SessionFor(LifecycleTrigger trigger) =>
        trigger == LifecycleTrigger.SessionAttached ? TestSessions.Attached : TestSessions.Owner;
}
