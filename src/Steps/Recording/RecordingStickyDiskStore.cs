using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every call to the sticky-disk store. The store's token never reaches a call's arguments.</summary>
internal sealed class RecordingStickyDiskStore(IStickyDiskStore inner, EffectCalls calls) : IStickyDiskStore
{
    public string Kind => inner.Kind;

    public Task UpAsync(CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.StickyDiskUp, Arguments(("store", inner.Kind)), () => inner.UpAsync(cancellationToken));

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.StickyDiskExpose, Arguments(("cacheKey", cacheKey)),
            () => inner.ExposeAsync(cacheKey, cancellationToken));

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        return calls.RunAsync(PortCalls.StickyDiskSettle,
            Arguments(("exposeId", settlement.ExposeId), ("cacheKey", settlement.CacheKey), ("commit", settlement.Commit), ("fsUsageBytes", settlement.FsUsageBytes)),
            () => inner.SettleAsync(settlement, cancellationToken));
    }

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.StickyDiskFindExposures, Arguments(("holder", holder)),
            () => inner.FindExposuresAsync(holder, cancellationToken));

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return calls.RunAsync(PortCalls.StickyDiskReportMetric, Arguments(("kind", metric.Kind), ("value", metric.Value)),
            () => inner.ReportMetricAsync(metric, cancellationToken));
    }
}
