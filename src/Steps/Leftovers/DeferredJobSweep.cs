namespace Blacksmith.Steps.Leftovers;

/// <summary>
/// A sweep built when a step first asks for it: only setup sweeps, and only a post whose journal is unusable cleans
/// up from its claim, while building the sweep builds the store, the block device and the daemon it acts through.
/// </summary>
internal sealed class DeferredJobSweep(Func<IJobSweep> build) : IJobSweep
{
    private readonly Lazy<IJobSweep> _sweep = new(build);

    public Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken) =>
        _sweep.Value.SweepAsync(jobDirectory, cancellationToken);

    public Task<LeftoverCleanup?> CleanAsync(string jobDirectory, string why, CancellationToken cancellationToken) =>
        _sweep.Value.CleanAsync(jobDirectory, why, cancellationToken);
}
