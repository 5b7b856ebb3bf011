using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>What a restart of this host's store finishes or undoes (docs/agent.md, "Crash safety on Ceph").</summary>
public sealed partial class CephStickyDiskStore
{
    /// <summary>
    /// Settles what a crash of this host's store left, from the cluster's records of this agent: an expose that never
    /// returned is undone; a commit is finished (same boot; the snapshot is taken again or found, the generation
    /// published once) or, after a reboot, undone before it is published; a release is finished; an exposure handed
    /// out in an earlier boot is released. An exposure handed out in this boot is kept (re-adopted: its job may still
    /// run); once its lease runs out the lease check releases it (<see cref="ReleaseExpiredAsync"/>). Attachments on this host that no record names are detached.
    /// Records of other agents are theirs.
    /// </summary>
    private async Task RecoverAsync(string operation, CancellationToken cancellationToken)
    {
        var records = await _registry.ListExposuresAsync(operation, cancellationToken);
        foreach (var record in records.Where(r => r.Agent == AgentName))
        {
            switch (record.State)
            {
                case CephExposureState.Exposing:
                    CephStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, "its expose never returned an id", "releasing it");
                    await DiscardAsync(record, operation);
                    break;
                case CephExposureState.Exposed when record.Boot != _boot:
                    CephStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, "handed out before this host restarted", "releasing it");
                    await DiscardAsync(record, operation);
                    break;
                case CephExposureState.Exposed:
                    break;
                case CephExposureState.Committing:
                    await RecoverCommitAsync(record, operation, cancellationToken);
                    break;
                case CephExposureState.Releasing:
                    CephStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, "its release was interrupted", "finishing it");
                    await DiscardAsync(record, operation);
                    break;
            }
        }

        var known = (await _registry.ListExposuresAsync(operation, cancellationToken)).Where(r => r.Agent == AgentName).Select(r => r.ExposeId).ToHashSet(StringComparer.Ordinal);
        foreach (var (exposeId, image) in await _attach.AttachedAsync(cancellationToken))
        {
            if (!known.Contains(exposeId))
            {
                try
                {
                    await _attach.DetachAsync(image, exposeId, forCommit: false, operation, cancellationToken);
                    CephStoreLog.DetachedOrphan(_logger, exposeId);
                }
                catch (ExternalCallException ex)
                {
                    CephStoreLog.CleanupFailed(_logger, $"the attachment of {exposeId}", ex.Message);
                }
            }
        }
    }

    private async Task RecoverCommitAsync(CephExposureRecord record, string operation, CancellationToken cancellationToken)
    {
        var encoded = CephImageNames.Encode(record.Key, operation);
        var state = await _registry.ReadKeyAsync(encoded, operation, cancellationToken);
        if (state?.Generations.Any(g => g.ExposeId == record.ExposeId) == true)
        {
            CephStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, "it was published, its record not yet removed", "removing the record");
            await _registry.RemoveExposureAsync(record.ExposeId, operation, cancellationToken);
            return;
        }

        if (record.Boot != _boot)
        {
            // Writes the job made may have been only in this host's page cache: never publish them.
            CephStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, "interrupted before this host restarted", "releasing it unpublished");
            await DiscardAsync(record, operation);
            return;
        }

        CephStoreLog.Recovering(_logger, record.ExposeId, record.Key, record.State, "the store stopped mid-commit", "finishing the commit");

        // Only a dead instance of this store can hold the key's lock under this agent's name: this one holds the host's lock.
        await _registry.BreakAsync(CephImageNames.KeyObject(encoded), CephRegistry.UpdateLock, l => l.Description == AgentName, operation, cancellationToken);
        try
        {
            await CommitAsync(record, operation, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            CephStoreLog.CleanupFailed(_logger, $"the interrupted commit of {record.ExposeId}", ex.Message);
        }
    }
}
