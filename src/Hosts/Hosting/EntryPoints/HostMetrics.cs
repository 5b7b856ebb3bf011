using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>Metrics are best effort: a store that cannot take one never fails or delays a step for long.</summary>
internal static class HostMetrics
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static async Task ReportAsync(IStickyDiskStore store, StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            await store.ReportMetricAsync(metric, budget.Token);
        }
        catch (Exception ex) when (ex is ExternalCallException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Recorded in the journal by the recording decorator; nothing else to do.
        }
    }
}
