namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>How long the sweep waits for what it stops; each external call has its own timeout besides.</summary>
public sealed record LeftoverSweepOptions
{
    /// <summary>How long a leftover buildkitd gets to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for it after SIGKILL.</summary>
    public TimeSpan KillWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most one claim's cleanup may take; past it, the rest is left for the next job.</summary>
    public TimeSpan ClaimBudget { get; init; } = TimeSpan.FromSeconds(60);
}
