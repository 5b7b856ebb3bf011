using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// The real store behind a gate: a settlement announces that it has begun, then waits for the test to open the
/// gate before the store does it. That holds a commit in flight for as long as the test needs, without sleeping.
/// </summary>
internal sealed class GatedStore(IStickyDiskStore inner) : IStickyDiskStore
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Kind => inner.Kind;

    /// <summary>Completes when a settlement has reached the gate.</summary>
    public Task SettleEntered => _entered.Task;

    public void Open() => _gate.TrySetResult();

    public Task UpAsync(CancellationToken cancellationToken) => inner.UpAsync(cancellationToken);

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) => inner.ExposeAsync(cacheKey, cancellationToken);

    public async Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return await inner.SettleAsync(settlement, cancellationToken);
    }

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) => inner.FindExposuresAsync(holder, cancellationToken);

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken) => inner.ReportMetricAsync(metric, cancellationToken);
}
