using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Release;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Sends should_commit = true. The pipeline only lets this run in Committing, which only the commit policy's
/// guard leads to. The store applies the commit later, so success means "commit requested".
/// </summary>
internal sealed class CommitStickyDiskHandler(IStickyDiskStore store, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<CommitStickyDisk, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(CommitStickyDisk command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        if (snapshot.Disk.ExposeId is not { } exposeId || snapshot.Setup is null)
        {
            return LifecycleResult.Propose(new CommitFailed("no expose id to commit"));
        }

        try
        {
            await DiskSettlementSender.SendAsync(store, new DiskSettlement(exposeId, snapshot.Setup.CacheKey, Commit: true, snapshot.Disk.FsUsageBytes), time, cancellationToken);
            return LifecycleResult.Propose(new CommitRequested(snapshot.Disk.FsUsageBytes));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new CommitFailed(ex.Message));
        }
    }
}
