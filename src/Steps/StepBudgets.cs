namespace Blacksmith.Steps;

/// <summary>
/// The budgets a host chooses for the steps it runs (a step's own deadlines, such as the expose call's, are constants of
/// its handler). One definition, which the hosts' composition and replay both start from, so that a replayed job waits
/// exactly as long as a real one would: a replay under a shorter budget fails setups the real host lets finish.
/// </summary>
public sealed record StepBudgets
{
    /// <summary>What the setup host (and the demo job, and an embedder by default) runs setup under.</summary>
    public static StepBudgets Hosts { get; } = new();

    /// <summary>
    /// How long a spawned buildkitd may take to list a worker. A warm daemon answers within tens of milliseconds, a cold
    /// one on a large cache within seconds; two minutes leave room for a slow disk on a loaded machine, and a daemon
    /// that is not ready by then is stuck rather than slow.
    /// </summary>
    public TimeSpan DaemonReady { get; init; } = TimeSpan.FromSeconds(120);
}
