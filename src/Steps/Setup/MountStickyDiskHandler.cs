using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

public sealed class MountStickyDiskHandler(IBlockDevice device, ILifecycleContext lifecycle)
    : ICommandHandler<MountStickyDisk, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(MountStickyDisk command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exposed = lifecycle.Snapshot.Disk.Device;
        return SetupAttempt.RunAsync("mount", async () =>
        {
            if (exposed is null)
            {
                return new SetupFailed("mount", "no device was exposed");
            }

            var mounted = await device.MountAsync(exposed, command.MountPoint, cancellationToken);
            return new DiskMounted(command.MountPoint, mounted.Formatted);
        });
    }
}
