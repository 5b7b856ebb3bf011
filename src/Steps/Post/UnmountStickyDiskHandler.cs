using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>Unmounts the sticky disk this job mounted; nothing to do when none is mounted.</summary>
public sealed class UnmountStickyDiskHandler(IBlockDevice device, ILifecycleContext lifecycle)
    : ICommandHandler<UnmountStickyDisk, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(UnmountStickyDisk command, CancellationToken cancellationToken)
    {
        var disk = lifecycle.Snapshot.Disk;
        if (!disk.Mounted || disk.Unmounted is not null || disk.MountPoint is null)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            var unmounted = await device.UnmountAsync(disk.MountPoint, cancellationToken);
            return LifecycleResult.Propose(new DiskUnmounted(unmounted.Clean, unmounted.FsUsageBytes, unmounted.Detail));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new DiskUnmounted(false, null, ex.Message));
        }
    }
}
