namespace Blacksmith.Orchestration.Policy;

/// <summary>
/// Why a job did not commit its sticky disk. A closed set: each code is journaled, shown to the user and
/// documented in docs/design.md. Names are stable: they are written to journals and read back by replay.
/// </summary>
public enum SkipReason
{
    /// <summary>Post ran without any setup in the job.</summary>
    NoSetup,

    /// <summary>This session attached to a builder another session of the job owns; the owner decides.</summary>
    NotOwner,

    /// <summary>A setup step failed (even if a fallback builder was used afterwards).</summary>
    SetupFailed,

    /// <summary>Builds ran on a fallback builder without the sticky disk.</summary>
    FallbackBuilder,

    /// <summary>Builds ran on a builder this job did not start.</summary>
    ForeignBuilder,

    /// <summary>No sticky disk was exposed and mounted by this session.</summary>
    NoStickyDisk,

    /// <summary>The user turned commits off (commit: never).</summary>
    CommitDisabled,

    /// <summary>The job runs for a pull request from a fork, which must not write the shared cache (commit: auto).</summary>
    ForkPullRequest,

    /// <summary>At least one build failed.</summary>
    BuildFailed,

    /// <summary>At least one build was cancelled.</summary>
    BuildCancelled,

    /// <summary>At least one build was still running when post began.</summary>
    BuildAbandoned,

    /// <summary>An earlier step of the job failed or was cancelled.</summary>
    EarlierStepFailed,

    /// <summary>Whether earlier steps succeeded could not be established.</summary>
    EarlierStepsUnknown,

    /// <summary>buildkitd had to be killed with SIGKILL; its last writes may be torn.</summary>
    DaemonKilled,

    /// <summary>buildkitd could not be stopped, or its stop was never recorded.</summary>
    DaemonNotStopped,

    /// <summary>The disk did not unmount cleanly, or its unmount was never recorded.</summary>
    UnmountFailed,

    /// <summary>A post was killed (or failed) before it decided, and a post run again finished the drain.</summary>
    PostInterrupted,
}
