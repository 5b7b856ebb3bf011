namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>How stopping buildkitd went.</summary>
public enum DaemonStopOutcome
{
    /// <summary>Not recorded: the daemon was never spawned, or post has not stopped it yet.</summary>
    None,

    /// <summary>Exited after SIGTERM within the grace period.</summary>
    Graceful,

    /// <summary>Needed SIGKILL: its last writes may be incomplete.</summary>
    Forced,

    /// <summary>Had already exited before post; its writes are in the page cache and are synced before unmount.</summary>
    AlreadyGone,

    /// <summary>Could not be stopped at all.</summary>
    Failed,
}
