using Blacksmith.Orchestration.Leases;

namespace Blacksmith.Orchestration.Ports;

/// <summary>What a store holds at one moment (<see cref="IStoreInventory"/>). No key is named: keys are unbounded.</summary>
/// <param name="Keys">Keys with at least one committed generation.</param>
/// <param name="Generations">Committed generations of all keys.</param>
/// <param name="Bytes">Bytes the generations occupy where the store keeps them (shared extents count once per generation in a store that cannot tell).</param>
/// <param name="Exposures">The exposures handed out and not settled, by this host's server of the store, with their leases.</param>
public sealed record StoreInventory(int Keys, int Generations, long Bytes, IReadOnlyList<ExposureLease> Exposures);
