namespace Blacksmith.Steps.Leftovers;

/// <summary>
/// What the job driver asks of the cleanup after other jobs (<see cref="LeftoverSweep"/>): a setup sweeps up after
/// the machine's earlier jobs, and a post whose journal cannot be trusted releases what its own claim names. Replay
/// puts its observed sweep in between.
/// </summary>
internal interface IJobSweep
{
    /// <summary>Cleans up after every earlier job of this machine that is over, except <paramref name="jobDirectory"/>'s own.</summary>
    Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken);

    /// <summary>Releases what <paramref name="jobDirectory"/>'s claim names, committing nothing; null when it has no claim.</summary>
    Task<LeftoverCleanup?> CleanAsync(string jobDirectory, string why, CancellationToken cancellationToken);
}
