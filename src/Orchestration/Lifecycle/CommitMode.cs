namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>The user's choice of when a successful job may commit its sticky disk.</summary>
public enum CommitMode
{
    /// <summary>Commit on success, but never from a pull request whose head is a fork.</summary>
    Auto,

    /// <summary>Commit on success, forks included.</summary>
    AlwaysOnSuccess,

    /// <summary>Never commit; the disk is released unchanged.</summary>
    Never,
}
