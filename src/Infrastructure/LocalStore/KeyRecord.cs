namespace Blacksmith.Infrastructure.LocalStore;

/// <summary><c>keys/&lt;key&gt;/key.json</c>: what the generations' names do not say.</summary>
/// <param name="Key">The key itself (the directory name is its encoding).</param>
/// <param name="LastUsed">The last expose or commit: least recently used keys are evicted first.</param>
/// <param name="LastCommitted">When the newest generation was published.</param>
/// <param name="FsUsageBytes">The filesystem usage the job reported with that commit.</param>
internal sealed record KeyRecord(string Key, DateTimeOffset LastUsed, DateTimeOffset? LastCommitted, long? FsUsageBytes)
{
    public int Version { get; init; } = 1;
}
