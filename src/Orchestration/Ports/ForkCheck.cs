namespace Blacksmith.Orchestration.Ports;

/// <summary>What the fork check found.</summary>
/// <param name="IsFork">True for a pull request from a fork.</param>
/// <param name="Problem">
/// Why it could not tell, for a warning, when the run's event could not be read; the run is then trusted, as the runner
/// trusts it.
/// </param>
public sealed record ForkCheck(bool IsFork, string? Problem = null)
{
    /// <summary>Not a pull request from a fork, and nothing to say: every CI but GitHub Actions, and most runs there.</summary>
    public static ForkCheck NotAFork { get; } = new(false);
}
