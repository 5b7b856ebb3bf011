namespace Blacksmith.Orchestration.Ports;

/// <summary>How one buildx invocation ended.</summary>
public enum BuildResult
{
    /// <summary>buildx exited 0.</summary>
    Succeeded,

    /// <summary>buildx exited non-zero (the build, a check, or buildx itself failed).</summary>
    Failed,

    /// <summary>The build ran longer than its timeout and its process tree was killed.</summary>
    TimedOut,

    /// <summary>The caller cancelled; the process tree was killed.</summary>
    Cancelled,

    /// <summary>The inputs cannot be turned into a build (e.g. <c>call</c> on a buildx too old for it); buildx never ran.</summary>
    Rejected,
}
