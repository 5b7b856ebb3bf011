using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;
using Mediator;

namespace Blacksmith.Steps.Setup;

/// <summary>Asks the store to come up and expose the key's disk, retrying only transient failures, all within one deadline.</summary>
public sealed class ExposeStickyDiskHandler(IStickyDiskStore store, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<ExposeStickyDisk, LifecycleResult>
{
    private const string Step = "expose";

    /// <summary>Up and GetStickyDisk together, as on Blacksmith runners.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    public ValueTask<LifecycleResult> Handle(ExposeStickyDisk command, CancellationToken cancellationToken)
    {
        var key = lifecycle.Snapshot.Setup?.CacheKey;
        return SetupAttempt.RunAsync(Step, async () =>
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                return new SetupFailed(Step, "setup has no cache key");
            }

            var started = time.GetTimestamp();
            await TransientRetry.RunAsync("stickydisk.up", store.UpAsync, Deadline, time, cancellationToken);
            var remaining = Deadline - time.GetElapsedTime(started);
            var disk = await TransientRetry.RunAsync("stickydisk.expose", ct => store.ExposeAsync(key, ct), remaining, time, cancellationToken);
            if (string.IsNullOrWhiteSpace(disk.ExposeId) || string.IsNullOrWhiteSpace(disk.Device))
            {
                return new SetupFailed(Step, $"the {store.Kind} sticky-disk store answered without an expose id or device (expected both)");
            }

            return new DiskExposed(disk.ExposeId, disk.Device);
        });
    }
}
