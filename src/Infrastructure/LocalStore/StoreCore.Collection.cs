using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Garbage collection and the size cap: recovery (<see cref="StoreRecovery"/>), then pruning, then eviction.
/// </summary>
internal sealed partial class StoreCore
{
    /// <summary>Cleans up after crashed or abandoned operations (<see cref="StoreRecovery"/>).</summary>
    public Task<LocalStoreGcReport> RecoverAsync(TimeSpan? abandonedAfter, string operation, CancellationToken cancellationToken) =>
        new StoreRecovery(this).RunAsync(abandonedAfter, operation, cancellationToken);

    /// <summary>Garbage collection: recovery, then pruning every key to the number of generations kept, then the cap.</summary>
    public async Task<LocalStoreGcReport> CollectGarbageAsync(TimeSpan? abandonedAfter, CancellationToken cancellationToken)
    {
        const string operation = "store.gc";
        var recovered = await RecoverAsync(abandonedAfter, operation, cancellationToken);
        var pruned = new List<string?>();
        using (await LockAsync(operation, cancellationToken))
        {
            foreach (var (encoded, key) in KeyDirectories())
            {
                pruned.AddRange(PruneLocked(encoded, key));
            }
        }

        var freed = DeleteTrash(pruned);
        var (evicted, evictedBytes) = await EnforceCapAsync(null, operation, cancellationToken);
        return recovered with
        {
            GenerationsPruned = pruned.Count(p => p is not null),
            KeysEvicted = evicted,
            BytesFreed = recovered.BytesFreed + freed + evictedBytes,
        };
    }

    /// <summary>Evicts whole keys, least recently used first, until the generations fit under the cap.</summary>
    private async Task<(IReadOnlyList<string> Keys, long Bytes)> EnforceCapAsync(string? justCommitted, string operation, CancellationToken cancellationToken)
    {
        if (_options.TotalSizeCapBytes is not { } cap)
        {
            return ([], 0);
        }

        // Measured without the lock: in directory mode that walks whole trees.
        var sizes = KeyDirectories()
            .Select(k => (k.Encoded, k.Key, Bytes: Generations(k.Encoded).Sum(g => FileTree.AllocatedBytes(g.Path))))
            .ToList();
        var total = sizes.Sum(s => s.Bytes);
        if (total <= cap)
        {
            return ([], 0);
        }

        var evicted = new List<string>();
        var trash = new List<string?>();
        using (await LockAsync(operation, cancellationToken))
        {
            var inUse = ReadRecords().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            var byAge = sizes
                .Select(s => (s.Encoded, s.Key, s.Bytes, ReadKeyRecord(s.Encoded)?.LastUsed))
                .OrderBy(s => s.LastUsed ?? DateTimeOffset.MinValue)
                .ThenBy(s => s.Key, StringComparer.Ordinal);
            foreach (var (encoded, key, bytes, lastUsed) in byAge)
            {
                if (total <= cap)
                {
                    break;
                }

                if (key == justCommitted || inUse.Contains(key))
                {
                    continue;
                }

                trash.Add(MoveToTrash(Layout.KeyDirectory(encoded), "key"));
                total -= bytes;
                evicted.Add(key);
                LocalStoreLog.Evicted(_logger, key, bytes, lastUsed, cap);
            }
        }

        if (total > cap)
        {
            LocalStoreLog.StillOverCap(_logger, total, cap);
        }

        return (evicted, DeleteTrash(trash));
    }

    /// <summary>The cap after a commit: the commit has happened, so a failure here is only logged.</summary>
    private async Task EnforceCapQuietlyAsync(string justCommitted, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await EnforceCapAsync(justCommitted, operation, cancellationToken);
        }
        catch (Exception ex) when (ex is ExternalCallException or IOException or UnauthorizedAccessException)
        {
            LocalStoreLog.CleanupFailed(_logger, "keys over the size cap", ex.Message);
        }
    }

    /// <summary>The keys on disk: their directory names and the keys they stand for.</summary>
    private IEnumerable<(string Encoded, string Key)> KeyDirectories()
    {
        foreach (var directory in Directory.EnumerateDirectories(Layout.Keys))
        {
            var encoded = Path.GetFileName(directory);
            if (CacheKeyName.Decode(encoded) is { } key)
            {
                yield return (encoded, key);
            }
        }
    }
}
