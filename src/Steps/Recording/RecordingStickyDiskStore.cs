using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every call to the sticky-disk store. The store's token never reaches a call's arguments.</summary>
public sealed class RecordingStickyDiskStore(IStickyDiskStore inner, EffectCalls calls) : IStickyDiskStore
{
    public const string Port = "stickydisk";

    public string Kind => inner.Kind;

    public Task UpAsync(CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "up", Arguments(("store", inner.Kind)), () => inner.UpAsync(cancellationToken));

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "expose", Arguments(("cacheKey", cacheKey)),
            () => inner.ExposeAsync(cacheKey, cancellationToken), EffectJsonContext.Default.ExposedDisk);

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        return calls.RunAsync(Port, "settle",
            Arguments(("exposeId", settlement.ExposeId), ("cacheKey", settlement.CacheKey), ("commit", settlement.Commit), ("fsUsageBytes", settlement.FsUsageBytes)),
            () => inner.SettleAsync(settlement, cancellationToken), EffectJsonContext.Default.SettleOutcome);
    }

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "findExposures", Arguments(("holder", holder)),
            () => inner.FindExposuresAsync(holder, cancellationToken), EffectJsonContext.Default.IReadOnlyListExposedDisk);

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return calls.RunAsync(Port, "reportMetric", Arguments(("kind", metric.Kind), ("value", metric.Value)),
            () => inner.ReportMetricAsync(metric, cancellationToken));
    }
}
