namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>One key of the local store, as <c>blacksmith store ls</c> shows it.</summary>
/// <param name="Key">The cache key.</param>
/// <param name="Generations">Its committed generations, oldest first.</param>
/// <param name="LastUsed">Its last expose or commit; the least recently used keys are evicted first.</param>
/// <param name="LastCommitted">When its newest generation was committed.</param>
/// <param name="FsUsageBytes">The filesystem usage the job reported with that commit.</param>
/// <param name="LiveExposures">Exposures of this key not settled yet.</param>
public sealed record LocalStoreKeyInfo(
    string Key,
    IReadOnlyList<LocalStoreGeneration> Generations,
    DateTimeOffset? LastUsed,
    DateTimeOffset? LastCommitted,
    long? FsUsageBytes,
    int LiveExposures)
{
    /// <summary>Bytes allocated to all its generations.</summary>
    public long SizeBytes => Generations.Sum(g => g.SizeBytes);
}
