using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// This host's exposures as leases, for the agent's lease check (<see cref="IExposureLeases"/>). The lease is recorded
/// in the cluster with the exposure; only the agent that attached an exposure can tell whether anything on its host
/// still uses the device, so each agent answers for its own. What may be released is <see cref="LeasePolicy"/>'s call.
/// </summary>
public sealed partial class CephStickyDiskStore
{
    /// <summary>The exposures this host handed out and nobody settled, oldest first; none in the middle of a step.</summary>
    public async Task<IReadOnlyList<ExposureLease>> ListLeasesAsync(CancellationToken cancellationToken)
    {
        await EnsureUpAsync(cancellationToken);
        var records = await _registry.ListExposuresAsync("stickydisk.listLeases", cancellationToken);
        return [.. records
            .Where(r => r.Agent == AgentName && r.State == CephExposureState.Exposed && !_settling.ContainsKey(r.ExposeId))
            .OrderBy(r => r.Created)
            .Select(r => new ExposureLease(r.ExposeId, r.Key, r.Device ?? string.Empty, r.Created, r.LeaseExpires))];
    }

    /// <summary>
    /// Releases the exposure, never committing it, if it is still handed out as it was listed; false, doing nothing,
    /// when its job settled it meanwhile or is settling it now.
    /// </summary>
    public async Task<bool> ReleaseExpiredAsync(ExposureLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        const string operation = "stickydisk.releaseExpired";
        if (!IsExposeId(lease.ExposeId) || !_settling.TryAdd(lease.ExposeId, 0))
        {
            return false;
        }

        try
        {
            var record = await _registry.ReadExposureAsync(lease.ExposeId, operation, cancellationToken);
            if (record is null || record.State != CephExposureState.Exposed || record.Key != lease.CacheKey || record.Agent != AgentName)
            {
                return false;
            }

            // Marked releasing first (ReleaseAsync): a commit that comes after is refused, and a crash is finished by recovery.
            await ReleaseAsync(record, operation, cancellationToken);
            CephStoreLog.Released(_logger, record.ExposeId, record.Key);
            return true;
        }
        finally
        {
            _settling.TryRemove(lease.ExposeId, out _);
        }
    }
}
