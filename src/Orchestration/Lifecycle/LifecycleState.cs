namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>Where the job's builder is in its life. The state is job-wide: every session reads the same one.</summary>
public enum LifecycleState
{
    /// <summary>No setup has run in this job yet.</summary>
    Idle,

    /// <summary>Setup is exposing and mounting the sticky disk at the BuildKit root.</summary>
    Mounting,

    /// <summary>Setup is starting buildkitd and registering it as the buildx builder.</summary>
    Starting,

    /// <summary>A builder is usable and no build is running.</summary>
    Ready,

    /// <summary>One or more builds are running.</summary>
    Building,

    /// <summary>Post is stopping the daemon, unmounting and settling the sticky disk.</summary>
    Draining,

    /// <summary>The commit policy allowed a commit and the commit request is being sent.</summary>
    Committing,

    /// <summary>Everything acquired was released; the lifecycle is over.</summary>
    Done,

    /// <summary>Setup failed. Post still releases whatever was acquired; a fallback may make a builder usable.</summary>
    Failed,
}
