using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Release;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Sends the release a skipped commit owes the store (should_commit = false). Whether it is due is the machine's
/// rule; a release the store keeps refusing is recorded and reported: the exposure still ends with the job.
/// </summary>
internal sealed class ReleaseStickyDiskHandler(IStickyDiskStore store, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<ReleaseStickyDisk, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(ReleaseStickyDisk command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        if (!LifecycleMachine.IsReleaseDue(snapshot) || snapshot.Setup is null || snapshot.Disk.ExposeId is null)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            await DiskSettlementSender.SendAsync(store, new DiskSettlement(snapshot.Disk.ExposeId, snapshot.Setup.CacheKey, Commit: false, null), time, cancellationToken);
            return LifecycleResult.Propose(new DiskReleased(true));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new DiskReleased(false, ex.Message));
        }
    }
}
