using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// The real local store, counting how often its inventory is taken, and failing it as an unreachable store would
/// while <see cref="Unreachable"/> is set.
/// </summary>
internal sealed class CountedInventoryStore(IStickyDiskStore inner) : IStickyDiskStore, IStoreInventory
{
    private int _inventories;

    public string Kind => inner.Kind;

    /// <summary>Inventories taken so far.</summary>
    public int Inventories => Volatile.Read(ref _inventories);

    public bool Unreachable { get; set; }

    /// <summary>While set, an inventory waits for this to complete, as a store that does not answer would.</summary>
    public TaskCompletionSource? Hang { get; set; }

    public Task UpAsync(CancellationToken cancellationToken) => inner.UpAsync(cancellationToken);

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) => inner.ExposeAsync(cacheKey, cancellationToken);

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken) => inner.SettleAsync(settlement, cancellationToken);

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) => inner.FindExposuresAsync(holder, cancellationToken);

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken) => inner.ReportMetricAsync(metric, cancellationToken);

    public async Task<StoreInventory> TakeInventoryAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inventories);
        if (Hang is { } hang)
        {
            // Ignores cancellation, as a store stuck in the kernel would, but not for ever.
            await BoundedWait.ForAsync(hang.Task, "the test to release the held inventory", cancellationToken: CancellationToken.None);
        }

        return Unreachable
            ? throw new ExternalCallException("store.inventory", ExternalErrorKind.Unavailable, "the store does not answer")
            : await ((IStoreInventory)inner).TakeInventoryAsync(cancellationToken);
    }
}
