using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Resilience;
using Mediator;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// Asks the store to come up and expose the key's disk, retrying only transient failures, all within one deadline.
/// An expose call that failed after it was sent may still have taken effect on the host: when the reply named an
/// expose id, the exposure is recorded so that post releases it; otherwise the failure says that the host may hold a
/// half-exposed disk, which nothing of this job can release.
/// </summary>
internal sealed class ExposeStickyDiskHandler(IStickyDiskStore store, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<ExposeStickyDisk, LifecycleResult>
{
    private const string Step = "expose";

    /// <summary>Said of every failed expose call that may have reached the store.</summary>
    public const string MayBeHalfExposed =
        "the store may have exposed the disk anyway, and with no expose id to release it the host may hold a half-exposed disk until the machine is torn down";

    /// <summary>Up and GetStickyDisk together, as on Blacksmith runners.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    public ValueTask<LifecycleResult> Handle(ExposeStickyDisk command, CancellationToken cancellationToken)
    {
        var key = lifecycle.Snapshot.Setup?.CacheKey;
        return SetupAttempt.RunAsync(Step, async () =>
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                return [new SetupFailed(Step, "setup has no cache key")];
            }

            var started = time.GetTimestamp();
            await TransientRetry.RunAsync(PortCalls.StickyDiskUp.Name, store.UpAsync, Deadline, time, cancellationToken, Repeat.Idempotent);
            var remaining = Deadline - time.GetElapsedTime(started);
            ExposedDisk disk;
            try
            {
                disk = await TransientRetry.RunAsync(PortCalls.StickyDiskExpose.Name, ct => store.ExposeAsync(key, ct), remaining, time, cancellationToken);
            }
            catch (ExternalCallException ex)
            {
                // A timeout, a connection broken after the call was sent (Interrupted, never retried: a second expose
                // could expose a second disk) or an internal error says nothing about what the store did.
                return [new SetupFailed(Step, $"{ex.Message}; {MayBeHalfExposed}", ex.Failure)];
            }

            if (string.IsNullOrWhiteSpace(disk.ExposeId))
            {
                return [new SetupFailed(Step, $"the {store.Kind} sticky-disk store answered without an expose id (expected one, and a device); {MayBeHalfExposed}")];
            }

            if (string.IsNullOrWhiteSpace(disk.Device))
            {
                // The exposure exists without a disk to mount: record it, so that post sends it its release.
                return
                [
                    new DiskExposed(disk.ExposeId, string.Empty),
                    new SetupFailed(Step, $"the {store.Kind} sticky-disk store answered with expose id {disk.ExposeId} but without a device (expected both); post will release it"),
                ];
            }

            return [new DiskExposed(disk.ExposeId, disk.Device)];
        });
    }
}
