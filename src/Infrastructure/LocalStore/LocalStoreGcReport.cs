namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>What a garbage collection (or the recovery a store runs when it starts) cleaned up.</summary>
/// <param name="ExposuresRecovered">Interrupted or abandoned exposures finished or discarded.</param>
/// <param name="LoopDevicesDetached">Loop devices over clones that belonged to no exposure.</param>
/// <param name="OrphansRemoved">Clones and temporary files that belonged to no exposure.</param>
/// <param name="GenerationsPruned">Generations beyond the number each key keeps.</param>
/// <param name="KeysEvicted">Keys evicted, least recently used first, to get under the size cap.</param>
/// <param name="BytesFreed">Bytes allocated to what was deleted.</param>
public sealed record LocalStoreGcReport(
    int ExposuresRecovered,
    IReadOnlyList<string> LoopDevicesDetached,
    int OrphansRemoved,
    int GenerationsPruned,
    IReadOnlyList<string> KeysEvicted,
    long BytesFreed);
