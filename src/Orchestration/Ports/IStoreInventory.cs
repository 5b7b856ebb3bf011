namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// What a sticky-disk store holds, counted, for whoever serves it and reports on it (<c>blacksmith-agent</c>'s
/// <c>/metrics</c>). Any store can answer it from what it already keeps, so a report needs no code per store.
/// </summary>
public interface IStoreInventory
{
    /// <summary>Counts the store's keys, generations and bytes, and lists the exposures it handed out and nobody settled.</summary>
    Task<StoreInventory> TakeInventoryAsync(CancellationToken cancellationToken);
}
