using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>Commit and release: the one decision for an exposure, each made of steps that can be resumed.</summary>
internal sealed partial class StoreCore
{
    public async Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var operation = settlement.Operation;
        var exposeId = settlement.ExposeId;
        if (!StoreLayout.IsSafeId(exposeId))
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"'{exposeId}' is not an expose id this store hands out (1-64 letters, digits, '-' and '_')");
        }

        var encoded = CacheKeyName.Encode(settlement.CacheKey, operation);
        await StartAsync(create: true, operation, cancellationToken);
        if (!_inFlight.TryAdd(exposeId, 0))
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Unavailable, $"exposure {exposeId} is already being exposed or settled by this store");
        }

        try
        {
            var (record, nothingToDo) = await BeginSettleAsync(settlement, encoded, operation, cancellationToken);
            if (record is null)
            {
                return nothingToDo;
            }

            if (settlement.Commit)
            {
                Fault(StoreStep.CommitMarked);
                await CommitCoreAsync(record, encoded, operation, cancellationToken);
                await EnforceCapQuietlyAsync(record.Key, operation, cancellationToken);
            }
            else
            {
                Fault(StoreStep.ReleaseMarked);
                await ReleaseCoreAsync(record, operation, cancellationToken);
                LocalStoreLog.Released(_logger, exposeId, record.Key);
            }

            return SettleOutcome.Applied;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The record stays as it is (committing or releasing, owned by this instance): a repeated call resumes it.
            throw StoreFailure.From(ex, operation, Layout.Root, $"{(settlement.Commit ? "committing" : "releasing")} exposure {exposeId}");
        }
        finally
        {
            _inFlight.TryRemove(exposeId, out _);
        }
    }

    /// <summary>
    /// Checks the decision against the record and marks the record committing or releasing, under the lock. No record
    /// when there is nothing left to do, and why: a commit that already happened (repeated, or a release of it), or a
    /// release of something gone.
    /// </summary>
    private async Task<(ExposureRecord? Record, SettleOutcome NothingToDo)> BeginSettleAsync(DiskSettlement settlement, string encoded, string operation, CancellationToken cancellationToken)
    {
        var exposeId = settlement.ExposeId;
        using var held = await LockAsync(operation, cancellationToken);
        var record = ReadRecord(exposeId);
        if (record is null)
        {
            if (Generations(encoded).FirstOrDefault(g => g.ExposeId == exposeId) is { } published)
            {
                // A commit repeated after a lost reply, or finished by recovery after a crash: it is done, and a release
                // cannot undo it.
                LocalStoreLog.AlreadyCommitted(_logger, exposeId, published.Number, settlement.CacheKey);
                return (null, SettleOutcome.AlreadyCommitted);
            }

            if (!settlement.Commit)
            {
                LocalStoreLog.NothingToRelease(_logger, exposeId);
                return (null, SettleOutcome.NotHeld);
            }

            throw new ExternalCallException(
                operation,
                ExternalErrorKind.Failed,
                $"exposure {exposeId} is unknown to the local store at {Layout.Root}: it was never exposed there, or was already released or "
                + "cleaned up as an orphan; nothing was committed");
        }

        if (record.Key != settlement.CacheKey)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"exposure {exposeId} belongs to key {CacheKeyName.Printable(record.Key)}, not {CacheKeyName.Printable(settlement.CacheKey)}; nothing was changed");
        }

        if (record.Owner is { } owner && owner != Me.Id && OwnerLock.IsAlive(Layout.Owners, owner))
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Unavailable, $"exposure {exposeId} is {Describe(record.State)} by another process (pid {record.Pid}) right now");
        }

        switch (record.State)
        {
            case ExposureState.Exposing when settlement.Commit:
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"exposure {exposeId} was never fully exposed; there is nothing to commit");
            case ExposureState.Committing when !settlement.Commit:
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"exposure {exposeId} is already being committed; a release cannot undo that");
            case ExposureState.Releasing when settlement.Commit:
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"exposure {exposeId} is being released; it can no longer be committed");
        }

        if (settlement.Commit && record.State == ExposureState.Exposed
            && await Backing.MountedAtAsync(Layout.Clone(exposeId, Backing.Suffix), cancellationToken) is { } mounted)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"exposure {exposeId} is still mounted ({mounted}); unmount it before committing (nothing was changed)");
        }

        var next = record with
        {
            State = settlement.Commit ? ExposureState.Committing : ExposureState.Releasing,
            Owner = Me.Id,
            Pid = Environment.ProcessId,
            FsUsageBytes = settlement.FsUsageBytes ?? record.FsUsageBytes,
        };
        WriteRecord(next);
        return (next, SettleOutcome.Applied);
    }

    /// <summary>
    /// Publishes the clone as the key's next generation. Every step can be repeated, so an interrupted commit is
    /// finished by running this again, whoever runs it: detach (if attached), fsync (again), then, under the lock,
    /// rename unless a generation of this exposure already exists, and the bookkeeping after it.
    /// </summary>
    internal async Task CommitCoreAsync(ExposureRecord record, string encoded, string operation, CancellationToken cancellationToken)
    {
        var clone = Path.Combine(Layout.Clones, record.CloneName);
        await Backing.DetachAsync(clone, forCommit: true, operation, cancellationToken);
        Fault(StoreStep.CommitDetached);
        if (Path.Exists(clone))
        {
            // Before the rename: a generation must never be visible before all of its bytes are on disk.
            Backing.Sync(clone);
        }

        Fault(StoreStep.CommitSynced);
        string?[] pruned;
        long number;

        // Once the clone is durable, the bookkeeping is not cancelled half-way.
        using (await LockAsync(operation, CancellationToken.None))
        {
            var generations = Generations(encoded);
            if (generations.FirstOrDefault(g => g.ExposeId == record.ExposeId) is { } published)
            {
                number = published.Number;
            }
            else
            {
                if (!Path.Exists(clone))
                {
                    DurableFile.Delete(Layout.Record(record.ExposeId));
                    throw new ExternalCallException(
                        operation, ExternalErrorKind.Failed, $"the clone of exposure {record.ExposeId} is gone (deleted by hand?); nothing was committed");
                }

                number = (generations.Count > 0 ? generations[^1].Number : 0) + 1;
                var directory = Layout.Generations(encoded);
                if (!Directory.Exists(directory))
                {
                    FileTree.CreatePrivateDirectory(directory);
                    UnixFiles.SyncDirectory(Layout.KeyDirectory(encoded));
                    UnixFiles.SyncDirectory(Layout.Keys);
                }

                // The last committed wins: a later commit gets a higher number, whichever exposure began first.
                var target = Path.Combine(directory, StoreLayout.GenerationName(number, record.ExposeId, Backing.Suffix));
                if (FileTree.IsDirectory(clone))
                {
                    Directory.Move(clone, target);
                }
                else
                {
                    File.Move(clone, target, overwrite: true);
                }

                Fault(StoreStep.CommitPublished);
                UnixFiles.SyncDirectory(directory);
                UnixFiles.SyncDirectory(Layout.Clones);
                Fault(StoreStep.CommitPublishedDurable);
            }

            var now = _time.GetUtcNow();
            DurableFile.WriteJson(Layout.KeyRecord(encoded), new KeyRecord(record.Key, now, now, record.FsUsageBytes), LocalStoreJsonContext.Default.KeyRecord);
            Fault(StoreStep.CommitKeyRecorded);
            pruned = [.. PruneLocked(encoded, record.Key)];
            Fault(StoreStep.CommitPruned);
            DurableFile.Delete(Layout.Record(record.ExposeId));
            Fault(StoreStep.CommitRecordRemoved);
        }

        LocalStoreLog.Committed(_logger, record.Key, number, record.ExposeId);
        DeleteTrash(pruned);
    }

    /// <summary>Detaches and deletes the clone, then forgets the exposure; repeatable like the commit.</summary>
    internal async Task ReleaseCoreAsync(ExposureRecord record, string operation, CancellationToken cancellationToken)
    {
        var clone = Path.Combine(Layout.Clones, record.CloneName);

        // Not refused while mounted: the kernel detaches a busy device when it is unmounted, and the data is discarded anyway.
        await Backing.DetachAsync(clone, forCommit: false, operation, cancellationToken);
        Fault(StoreStep.ReleaseDetached);
        string? trash;
        using (await LockAsync(operation, CancellationToken.None))
        {
            trash = MoveToTrash(clone, "clone");
            Fault(StoreStep.ReleaseCloneMoved);
            DurableFile.Delete(Layout.Record(record.ExposeId));
        }

        DeleteTrash([trash]);
    }

    /// <summary>
    /// Moves the key's generations beyond the number kept to the trash, oldest first; never the newest, and never one
    /// an exposure is still being cloned from. Call with the lock held; returns the trash entries to delete.
    /// </summary>
    private List<string?> PruneLocked(string encoded, string key)
    {
        var generations = Generations(encoded);
        var pinned = ReadRecords()
            .Where(r => r.Key == key && r.State == ExposureState.Exposing && r.BaseGeneration is not null)
            .Select(r => r.BaseGeneration!.Value)
            .ToHashSet();
        var trash = new List<string?>();
        foreach (var generation in generations.SkipLast(_options.GenerationsKept))
        {
            if (!pinned.Contains(generation.Number))
            {
                trash.Add(MoveToTrash(generation.Path, "generation"));
            }
        }

        return trash;
    }

    private static string Describe(ExposureState state) => state switch
    {
        ExposureState.Exposing => "being exposed",
        ExposureState.Committing => "being committed",
        ExposureState.Releasing => "being released",
        _ => "handed out",
    };
}
