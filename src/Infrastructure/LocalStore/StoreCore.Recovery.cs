using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Recovery after crashes, garbage collection and the size cap. Recovery finishes or undoes what a store that is gone
/// left half-done, and removes what belongs to no exposure. It never touches an exposure that is handed out (unless
/// it is from an earlier boot, or older than an age the administrator gives), nor anything a live store is working on.
/// </summary>
internal sealed partial class StoreCore
{
    /// <summary>
    /// Cleans up after crashed or abandoned operations. With <paramref name="abandonedAfter"/>, exposures handed out
    /// longer ago than that and no longer mounted are discarded too (an administrator's call: the store cannot know
    /// whether a job still means to settle them).
    /// </summary>
    public async Task<LocalStoreGcReport> RecoverAsync(TimeSpan? abandonedAfter, string operation, CancellationToken cancellationToken)
    {
        var claimed = new List<ExposureRecord>();
        using (await LockAsync(operation, cancellationToken))
        {
            foreach (var record in ReadRecords())
            {
                var (action, why) = await DecideAsync(record, abandonedAfter, cancellationToken);
                if (action == RecoveryAction.None)
                {
                    continue;
                }

                LocalStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, why, action == RecoveryAction.Finish ? "finishing it" : "discarding it");

                // Claimed under the lock, so two recovering stores never work on one record.
                var next = record with
                {
                    State = action == RecoveryAction.Finish ? record.State : ExposureState.Releasing,
                    Owner = Me.Id,
                    Pid = Environment.ProcessId,
                };
                WriteRecord(next);
                claimed.Add(next);
            }
        }

        var recovered = 0;
        foreach (var record in claimed)
        {
            if (!_inFlight.TryAdd(record.ExposeId, 0))
            {
                continue;
            }

            try
            {
                if (record.State == ExposureState.Committing)
                {
                    await CommitCoreAsync(record, CacheKeyName.Encode(record.Key, operation), operation, cancellationToken);
                }
                else
                {
                    await ReleaseCoreAsync(record, operation, cancellationToken);
                }

                recovered++;
            }
            catch (Exception ex) when (ex is ExternalCallException or IOException or UnauthorizedAccessException)
            {
                LocalStoreLog.CleanupFailed(_logger, $"exposure {record.ExposeId}", ex.Message);
            }
            finally
            {
                _inFlight.TryRemove(record.ExposeId, out _);
            }
        }

        var detached = await DetachOrphansAsync(operation, cancellationToken);
        var (orphans, trash) = await RemoveOrphansAsync(operation, cancellationToken);
        var freed = DeleteTrash(trash) + DeleteTrash(Directory.EnumerateFileSystemEntries(Layout.Trash));
        return new LocalStoreGcReport(recovered, detached, orphans, 0, [], freed);
    }

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

    private async Task<(RecoveryAction Action, string Why)> DecideAsync(ExposureRecord record, TimeSpan? abandonedAfter, CancellationToken cancellationToken)
    {
        var earlierBoot = record.BootId != _bootId;
        var ownerGone = record.Owner is not { } owner
            || (owner == Me.Id ? !_inFlight.ContainsKey(record.ExposeId) : !OwnerLock.IsAlive(Layout.Owners, owner));
        switch (record.State)
        {
            case ExposureState.Exposing when ownerGone:
                return (RecoveryAction.Discard, "its expose never finished");
            case ExposureState.Exposed when earlierBoot:
                return (RecoveryAction.Discard, "it was handed out before the machine restarted, so its job is gone");
            case ExposureState.Exposed when abandonedAfter is { } age && _time.GetUtcNow() - record.Created > age:
                return await Backing.MountedAtAsync(Path.Combine(Layout.Clones, record.CloneName), cancellationToken) is { } mounted
                    ? (RecoveryAction.None, $"still mounted ({mounted})")
                    : (RecoveryAction.Discard, $"it was handed out more than {age} ago and is not mounted");
            case ExposureState.Committing when ownerGone:
                if (IsPublished(record))
                {
                    return (RecoveryAction.Finish, "its commit was interrupted after the new generation was published");
                }

                // After a power loss the clone may lack writes that were only in the page cache: never publish it then.
                return earlierBoot
                    ? (RecoveryAction.Discard, "its commit was interrupted by a restart of the machine before publishing")
                    : (RecoveryAction.Finish, "its commit was interrupted");
            case ExposureState.Releasing when ownerGone:
                return (RecoveryAction.Finish, "its release was interrupted");
            default:
                return (RecoveryAction.None, "");
        }
    }

    private bool IsPublished(ExposureRecord record) =>
        CacheKeyName.Problem(record.Key) is null
        && Generations(CacheKeyName.Encode(record.Key, "store.recover")).Any(g => g.ExposeId == record.ExposeId);

    private async Task<IReadOnlyList<string>> DetachOrphansAsync(string operation, CancellationToken cancellationToken)
    {
        try
        {
            var detached = await Backing.DetachOrphansAsync(Layout.Clones, id => !File.Exists(Layout.Record(id)), operation, cancellationToken);
            foreach (var device in detached)
            {
                LocalStoreLog.DetachedOrphan(_logger, device);
            }

            return detached;
        }
        catch (ExternalCallException ex)
        {
            LocalStoreLog.CleanupFailed(_logger, "loop devices of orphaned clones", ex.Message);
            return [];
        }
    }

    /// <summary>Clones without a record, and temporary files of writes a crash cut short.</summary>
    private async Task<(int Count, List<string?> Trash)> RemoveOrphansAsync(string operation, CancellationToken cancellationToken)
    {
        var count = 0;
        var trash = new List<string?>();
        using (await LockAsync(operation, cancellationToken))
        {
            // An expose writes its record before it makes its clone, and a commit or release moves the clone away before it
            // deletes the record: a clone without a record, seen under the lock, is nobody's.
            foreach (var path in Directory.EnumerateFileSystemEntries(Layout.Clones))
            {
                var name = Path.GetFileName(path);
                var id = Backing.Suffix.Length > 0 && name.EndsWith(Backing.Suffix, StringComparison.Ordinal) ? name[..^Backing.Suffix.Length] : name;
                if (!StoreLayout.IsSafeId(id) || !File.Exists(Layout.Record(id)))
                {
                    trash.Add(MoveToTrash(path, "orphan"));
                    LocalStoreLog.RemovedOrphan(_logger, path);
                    count++;
                }
            }

            var temporaries = Directory.EnumerateFiles(Layout.Exposures)
                .Concat(Directory.EnumerateDirectories(Layout.Keys).SelectMany(Directory.EnumerateFiles))
                .Concat(Directory.EnumerateFiles(Layout.Root))
                .Where(p => Path.GetFileName(p).Contains(DurableFile.TemporaryMarker, StringComparison.Ordinal));
            foreach (var path in temporaries.ToList())
            {
                File.Delete(path);
                count++;
            }

            foreach (var owner in OwnerLock.List(Layout.Owners).Where(o => o != Me.Id).ToList())
            {
                // Deletes the lock file of an owner that is gone.
                _ = OwnerLock.IsAlive(Layout.Owners, owner);
            }
        }

        return (count, trash);
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
