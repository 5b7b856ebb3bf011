using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Steps.Release;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Unmounts the sticky disk (<see cref="DiskUnmounter"/>). Nothing to do when it is not mounted, nor while the daemon may
/// still run on it; an unmount that failed before (a post run again) is tried again, and a mount that is already gone
/// counts as unmounted.
/// </summary>
internal sealed class UnmountStickyDiskHandler(DiskUnmounter unmounter, ILifecycleContext lifecycle) : ICommandHandler<UnmountStickyDisk, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(UnmountStickyDisk command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        var disk = snapshot.Disk;

        // Never from under a daemon that may still run (its stop failed, or a look for one an unfinished setup may have
        // left failed): the machine's rule, so the disk stays held, and the drain with it.
        if (!LifecycleMachine.IsUnmountDue(snapshot) || disk.MountPoint is null)
        {
            return LifecycleResult.Nothing();
        }

        return LifecycleResult.Propose(await unmounter.UnmountAsync(disk.MountPoint, disk.Device, cancellationToken));
    }
}
