using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// The store's exposures as leases, for the lease check of whoever serves it (<see cref="IExposureLeases"/>). The store
/// only says what it handed out and releases on request; what may be released is <see cref="LeasePolicy"/>'s call.
/// </summary>
internal sealed partial class StoreCore
{
    /// <summary>The exposures handed out and not settled; none in the middle of a step. Nothing where there is no store.</summary>
    public async Task<IReadOnlyList<ExposureLease>> ListLeasesAsync(CancellationToken cancellationToken)
    {
        const string operation = "stickydisk.listLeases";
        if (!await StartAsync(create: false, operation, cancellationToken))
        {
            return [];
        }

        using (await LockAsync(operation, cancellationToken))
        {
            return [.. ReadRecords()
                .Where(r => r.State == ExposureState.Exposed)
                .OrderBy(r => r.Created)
                .Select(r => new ExposureLease(r.ExposeId, r.Key, r.Device ?? string.Empty, r.Created, r.LeaseExpires))];
        }
    }

    /// <summary>
    /// Releases the exposure if it is still handed out, as it was listed; false, doing nothing, when it is gone or being
    /// settled (its job came back for it). Marked releasing under the lock, so a commit that comes after is refused
    /// rather than racing the release.
    /// </summary>
    public async Task<bool> ReleaseExpiredAsync(ExposureLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        const string operation = "stickydisk.releaseExpired";
        if (!StoreLayout.IsSafeId(lease.ExposeId) || !await StartAsync(create: false, operation, cancellationToken))
        {
            return false;
        }

        if (!_inFlight.TryAdd(lease.ExposeId, 0))
        {
            return false;
        }

        try
        {
            ExposureRecord next;
            using (await LockAsync(operation, cancellationToken))
            {
                var record = ReadRecord(lease.ExposeId);
                if (record is null || record.State != ExposureState.Exposed || record.Key != lease.CacheKey || record.Owner is not null)
                {
                    return false;
                }

                next = record with { State = ExposureState.Releasing, Owner = Me.Id, Pid = Environment.ProcessId };
                WriteRecord(next);
            }

            Fault(StoreStep.ReleaseMarked);
            await ReleaseCoreAsync(next, operation, cancellationToken);
            LocalStoreLog.Released(_logger, next.ExposeId, next.Key);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The record stays releasing, owned by this instance: the next start's recovery finishes it.
            throw StoreFailure.From(ex, operation, Layout.Root, $"releasing exposure {lease.ExposeId}, whose lease ran out");
        }
        finally
        {
            _inFlight.TryRemove(lease.ExposeId, out _);
        }
    }
}
