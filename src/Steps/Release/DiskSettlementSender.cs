using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;

namespace Blacksmith.Steps.Release;

/// <summary>
/// Sends the one decision for an exposure, commit or release, the same way for both: retried while the store is
/// unavailable, within one deadline, never after a timeout or a refusal.
/// </summary>
internal static class DiskSettlementSender
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static Task<SettleOutcome> SendAsync(IStickyDiskStore store, DiskSettlement settlement, TimeProvider time, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(settlement.Operation, ct => store.SettleAsync(settlement, ct), Deadline, time, cancellationToken);
}
