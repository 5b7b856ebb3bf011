namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>An exposure the store has a record of: handed out, or in the middle of a step.</summary>
/// <param name="ExposeId">Its id.</param>
/// <param name="Key">Its key.</param>
/// <param name="State">Where it is.</param>
/// <param name="Device">What was handed out (a loop device or a directory), once it was.</param>
/// <param name="Method">How its clone was made, once it was.</param>
/// <param name="BaseGeneration">The generation it started from; null for a new disk.</param>
/// <param name="Created">When it was exposed.</param>
/// <param name="Pid">The process that last wrote its record.</param>
/// <param name="LeaseExpires">When its lease runs out (<see cref="LocalStoreOptions.ExposureLease"/>); null when it has none.</param>
public sealed record LocalStoreExposureInfo(
    string ExposeId,
    string Key,
    ExposureState State,
    string? Device,
    CloneMethod? Method,
    long? BaseGeneration,
    DateTimeOffset Created,
    int Pid,
    DateTimeOffset? LeaseExpires);
