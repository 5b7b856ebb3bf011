namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>How one build ended, as far as the lifecycle knows.</summary>
public enum BuildOutcome
{
    /// <summary>Started and not finished yet.</summary>
    Running,
    Succeeded,
    Failed,
    Cancelled,

    /// <summary>Still running when post began (host killed, job cancelled): it can no longer be trusted.</summary>
    Abandoned,
}
