using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>What the cluster holds, counted for the agent's metrics (<see cref="IStoreInventory"/>).</summary>
public sealed partial class CephStickyDiskStore : IStoreInventory
{
    /// <summary>
    /// The keys, generations and bytes of the whole pool (or namespace), which every agent of the fleet shares, and the
    /// exposures this host's agent handed out, with their leases (<see cref="ListLeasesAsync"/>). Bytes are what each
    /// generation's job measured in its filesystem when it committed: a scrape runs no <c>rbd du</c>, which reads
    /// every object of the pool's images and would cost the cluster more the bigger the fleet's cache grows.
    /// </summary>
    public async Task<StoreInventory> TakeInventoryAsync(CancellationToken cancellationToken)
    {
        const string operation = "store.inventory";
        await EnsureUpAsync(cancellationToken);
        var (keys, generations, bytes) = (0, 0, 0L);
        foreach (var encoded in (await _registry.ListKeysAsync(operation, cancellationToken)).Keys)
        {
            if (await _registry.ReadKeyAsync(encoded, operation, cancellationToken) is not { Generations.Count: > 0 } state)
            {
                continue;
            }

            keys++;
            generations += state.Generations.Count;
            bytes += state.Generations.Sum(g => g.FsUsageBytes ?? 0);
        }

        var exposures = (await _registry.ListExposuresAsync(operation, cancellationToken))
            .Where(e => e.State == CephExposureState.Exposed && e.Agent == _registry.Agent)
            .OrderBy(e => e.Created)
            .Select(e => new ExposureLease(e.ExposeId, e.Key, e.Device ?? string.Empty, e.Created, e.LeaseExpires))
            .ToList();
        return new StoreInventory(keys, generations, bytes, exposures);
    }
}
