using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Recovery after crashes: finishes or undoes what a store that is gone left half-done, and removes what belongs to
/// no exposure. It never touches an exposure that is handed out (unless it is from an earlier boot, or older than an
/// age the administrator gives), nor anything a live store is working on. It works through the store it recovers,
/// under that store's lock and with its commit and release, so a recovered commit is the commit a job would have made.
/// </summary>
internal sealed class StoreRecovery(StoreCore store)
{
    /// <summary>
    /// Cleans up after crashed or abandoned operations. With <paramref name="abandonedAfter"/>, exposures handed out
    /// longer ago than that and no longer mounted are discarded too (an administrator's call: the store cannot know
    /// whether a job still means to settle them).
    /// </summary>
    public async Task<LocalStoreGcReport> RunAsync(TimeSpan? abandonedAfter, string operation, CancellationToken cancellationToken)
    {
        var claimed = new List<ExposureRecord>();
        using (await store.LockAsync(operation, cancellationToken))
        {
            foreach (var record in store.ReadRecords())
            {
                var (action, why) = await DecideAsync(record, abandonedAfter, cancellationToken);
                if (action == RecoveryAction.None)
                {
                    continue;
                }

                LocalStoreLog.Recovering(store.Logger, record.ExposeId, record.Key, record.State, why, action == RecoveryAction.Finish ? "finishing it" : "discarding it");

                // Claimed under the lock, so two recovering stores never work on one record.
                var next = record with
                {
                    State = action == RecoveryAction.Finish ? record.State : ExposureState.Releasing,
                    Owner = store.Me.Id,
                    Pid = Environment.ProcessId,
                };
                store.WriteRecord(next);
                claimed.Add(next);
            }
        }

        var recovered = 0;
        foreach (var record in claimed)
        {
            if (!store.InFlight.TryAdd(record.ExposeId, 0))
            {
                continue;
            }

            try
            {
                if (record.State == ExposureState.Committing)
                {
                    await store.CommitCoreAsync(record, CacheKeyName.Encode(record.Key, operation), operation, cancellationToken);
                }
                else
                {
                    await store.ReleaseCoreAsync(record, operation, cancellationToken);
                }

                recovered++;
            }
            catch (Exception ex) when (ex is ExternalCallException or IOException or UnauthorizedAccessException)
            {
                LocalStoreLog.CleanupFailed(store.Logger, $"exposure {record.ExposeId}", ex.Message);
            }
            finally
            {
                store.InFlight.TryRemove(record.ExposeId, out _);
            }
        }

        var detached = await DetachOrphansAsync(operation, cancellationToken);
        var (orphans, trash) = await RemoveOrphansAsync(operation, cancellationToken);
        var freed = store.DeleteTrash(trash) + store.DeleteTrash(Directory.EnumerateFileSystemEntries(store.Layout.Trash));
        return new LocalStoreGcReport(recovered, detached, orphans, 0, [], freed);
    }

    private async Task<(RecoveryAction Action, string Why)> DecideAsync(ExposureRecord record, TimeSpan? abandonedAfter, CancellationToken cancellationToken)
    {
        var earlierBoot = record.BootId != store.BootId;
        var ownerGone = record.Owner is not { } owner
            || (owner == store.Me.Id ? !store.InFlight.ContainsKey(record.ExposeId) : !OwnerLock.IsAlive(store.Layout.Owners, owner));
        switch (record.State)
        {
            case ExposureState.Exposing when ownerGone:
                return (RecoveryAction.Discard, "its expose never finished");
            case ExposureState.Exposed when earlierBoot:
                return (RecoveryAction.Discard, "it was handed out before the machine restarted, so its job is gone");
            case ExposureState.Exposed when abandonedAfter is { } age && store.Time.GetUtcNow() - record.Created > age:
                return await store.Backing.MountedAtAsync(Path.Combine(store.Layout.Clones, record.CloneName), cancellationToken) is { } mounted
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
        && store.Generations(CacheKeyName.Encode(record.Key, "store.recover")).Any(g => g.ExposeId == record.ExposeId);

    private async Task<IReadOnlyList<string>> DetachOrphansAsync(string operation, CancellationToken cancellationToken)
    {
        try
        {
            var detached = await store.Backing.DetachOrphansAsync(store.Layout.Clones, id => !File.Exists(store.Layout.Record(id)), operation, cancellationToken);
            foreach (var device in detached)
            {
                LocalStoreLog.DetachedOrphan(store.Logger, device);
            }

            return detached;
        }
        catch (ExternalCallException ex)
        {
            LocalStoreLog.CleanupFailed(store.Logger, "loop devices of orphaned clones", ex.Message);
            return [];
        }
    }

    /// <summary>Clones without a record, and temporary files of writes a crash cut short.</summary>
    private async Task<(int Count, List<string?> Trash)> RemoveOrphansAsync(string operation, CancellationToken cancellationToken)
    {
        var count = 0;
        var trash = new List<string?>();
        var layout = store.Layout;
        var backing = store.Backing;
        using (await store.LockAsync(operation, cancellationToken))
        {
            // An expose writes its record before it makes its clone, and a commit or release moves the clone away before it
            // deletes the record: a clone without a record, seen under the lock, is nobody's.
            foreach (var path in Directory.EnumerateFileSystemEntries(layout.Clones))
            {
                var name = Path.GetFileName(path);
                var id = backing.Suffix.Length > 0 && name.EndsWith(backing.Suffix, StringComparison.Ordinal) ? name[..^backing.Suffix.Length] : name;
                if (!StoreLayout.IsSafeId(id) || !File.Exists(layout.Record(id)))
                {
                    trash.Add(store.MoveToTrash(path, "orphan"));
                    LocalStoreLog.RemovedOrphan(store.Logger, path);
                    count++;
                }
            }

            var temporaries = Directory.EnumerateFiles(layout.Exposures)
                .Concat(Directory.EnumerateDirectories(layout.Keys).SelectMany(Directory.EnumerateFiles))
                .Concat(Directory.EnumerateFiles(layout.Root))
                .Where(p => Path.GetFileName(p).Contains(DurableFile.TemporaryMarker, StringComparison.Ordinal));
            foreach (var path in temporaries.ToList())
            {
                File.Delete(path);
                count++;
            }

            foreach (var owner in OwnerLock.List(layout.Owners).Where(o => o != store.Me.Id).ToList())
            {
                // Deletes the lock file of an owner that is gone.
                _ = OwnerLock.IsAlive(layout.Owners, owner);
            }
        }

        return (count, trash);
    }
}
