namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// What happened. Every trigger has exactly one event record of the same name that carries its facts
/// (see <see cref="Events.LifecycleEvent"/>).
/// </summary>
public enum LifecycleTrigger
{
    SetupStarted,
    BuilderAttached,
    SessionAttached,
    DiskExposed,
    DiskMounted,
    DaemonSpawned,
    DaemonReady,
    DaemonExited,
    BuilderRegistered,
    SetupFailed,
    FallbackActivated,
    BuildStarted,
    BuildFinished,
    PostRequested,
    DaemonStopped,
    DiskUnmounted,
    EarlierStepsChecked,
    DiskReleased,
    Drained,
    CommitRequested,
    CommitFailed,
    HoldingsFound,
}
