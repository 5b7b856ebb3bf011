using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Agent.Tests;

/// <summary>The real store, except that a commit fails with <paramref name="kind"/> before reaching it, as a store that broke would.</summary>
internal sealed class FailingCommitStore(IStickyDiskStore inner, ExternalErrorKind kind) : IStickyDiskStore
{
    public string Kind => inner.Kind;

    public Task UpAsync(CancellationToken cancellationToken) => inner.UpAsync(cancellationToken);

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) => inner.ExposeAsync(cacheKey, cancellationToken);

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken) =>
        settlement.Commit
            ? throw new ExternalCallException("stickydisk.commit", kind, "the store broke while committing")
            : inner.SettleAsync(settlement, cancellationToken);

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) => inner.FindExposuresAsync(holder, cancellationToken);

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken) => inner.ReportMetricAsync(metric, cancellationToken);
}
