namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>Which step a kill point is in.</summary>
internal enum KillPointPhase
{
    /// <summary>The job's setup (its sequence, from its first metric to its last).</summary>
    Setup,

    /// <summary>One build.</summary>
    Build,

    /// <summary>The job's post, committing the disk.</summary>
    Post,

    /// <summary>The job's post releasing the disk unchanged (the job failed): from its earlier-steps check on, where it parts from a committing post.</summary>
    PostRelease,

    /// <summary>The next job's setup, while it cleans up after an earlier job that was killed (the sweep).</summary>
    Sweep,
}
