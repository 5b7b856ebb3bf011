using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

public sealed class ExposeStickyDiskHandler(IStickyDiskStore store, ILifecycleContext lifecycle)
    : ICommandHandler<ExposeStickyDisk, LifecycleResult>
{
    private const string Step = "expose";

    public ValueTask<LifecycleResult> Handle(ExposeStickyDisk command, CancellationToken cancellationToken)
    {
        var key = lifecycle.Snapshot.Setup?.CacheKey;
        return SetupAttempt.RunAsync(Step, async () =>
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                return new SetupFailed(Step, "setup has no cache key");
            }

            var disk = await store.ExposeAsync(key, cancellationToken);
            if (string.IsNullOrWhiteSpace(disk.ExposeId) || string.IsNullOrWhiteSpace(disk.Device))
            {
                return new SetupFailed(Step, $"the {store.Kind} sticky-disk store answered without an expose id or device (expected both)");
            }

            return new DiskExposed(disk.ExposeId, disk.Device);
        });
    }
}
