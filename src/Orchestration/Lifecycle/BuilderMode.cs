namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>How the job's builder came to be.</summary>
public enum BuilderMode
{
    /// <summary>No setup yet.</summary>
    None,

    /// <summary>Our buildkitd on a mounted sticky disk: the only mode that can commit.</summary>
    StickyDisk,

    /// <summary>Setup failed and builds run on a local builder without the sticky disk.</summary>
    Fallback,

    /// <summary>A builder already running on the machine (not started by this job) is used as it is.</summary>
    Attached,
}
