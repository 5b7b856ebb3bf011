using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Sends the release a skipped commit owes the store (should_commit = false). Whether it is due is the machine's
/// rule; a refused release is recorded and reported, not retried: the exposure still ends with the job.
/// </summary>
public sealed class ReleaseStickyDiskHandler(IStickyDiskStore store, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<ReleaseStickyDisk, LifecycleResult>
{
    /// <summary>One decision per exposure: retried while the store is unavailable, within this deadline.</summary>
    public static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(30);

    public async ValueTask<LifecycleResult> Handle(ReleaseStickyDisk command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        if (!LifecycleMachine.IsReleaseDue(snapshot) || snapshot.Setup is null || snapshot.Disk.ExposeId is null)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            await TransientRetry.RunAsync("stickydisk.commit", ct => store.SettleAsync(new DiskSettlement(snapshot.Disk.ExposeId, snapshot.Setup.CacheKey, Commit: false, null), ct), SettleDeadline, time, cancellationToken);
            return LifecycleResult.Propose(new DiskReleased(true));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new DiskReleased(false, ex.Message));
        }
    }
}
