using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The sticky-disk store of a scripted world.</summary>
public sealed class ScriptedStickyDiskStore(ScriptedWorld world) : IStickyDiskStore
{
    public string Kind => "scripted";

    public Task UpAsync(CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.StickyDiskUp, Arguments(("store", Kind)), cancellationToken);

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.StickyDiskExpose, Arguments(("cacheKey", cacheKey)), cancellationToken);

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        return world.AnswerOrAsync(PortCalls.StickyDiskSettle,
            Arguments(("exposeId", settlement.ExposeId), ("cacheKey", settlement.CacheKey), ("commit", settlement.Commit), ("fsUsageBytes", settlement.FsUsageBytes)), SettleOutcome.Applied, cancellationToken);
    }

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.StickyDiskFindExposures, Arguments(("holder", holder)), cancellationToken);

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return world.AnswerAsync(PortCalls.StickyDiskReportMetric, Arguments(("kind", metric.Kind), ("value", metric.Value)), cancellationToken);
    }
}
