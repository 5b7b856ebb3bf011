using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Syncs and measures the sticky disk, unmounts it (retrying while it is busy), then flushes the device. The
/// measurement is best effort. Nothing
/// to do when no disk is mounted; a mount that is already gone counts as unmounted.
/// </summary>
public sealed partial class UnmountStickyDiskHandler(IBlockDevice device, ILifecycleContext lifecycle, TimeProvider time, ILogger<UnmountStickyDiskHandler> logger)
    : ICommandHandler<UnmountStickyDisk, LifecycleResult>
{
    public const int UnmountAttempts = 5;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    public async ValueTask<LifecycleResult> Handle(UnmountStickyDisk command, CancellationToken cancellationToken)
    {
        var disk = lifecycle.Snapshot.Disk;
        if (!disk.Mounted || disk.Unmounted is not null || disk.MountPoint is null)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            return LifecycleResult.Propose(await UnmountAsync(disk, disk.MountPoint, cancellationToken));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new DiskUnmounted(false, null, ex.Message));
        }
    }

    private async Task<DiskUnmounted> UnmountAsync(StickyDiskFacts disk, string mountPoint, CancellationToken cancellationToken)
    {
        if (!await device.IsMountedAsync(mountPoint, cancellationToken))
        {
            return new DiskUnmounted(true, null, $"{mountPoint} was no longer mounted");
        }

        await device.SyncAsync(mountPoint, cancellationToken);
        var usage = await MeasureAsync(mountPoint, cancellationToken);
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await device.UnmountAsync(mountPoint, cancellationToken);
                break;
            }
            catch (ExternalCallException ex) when (ex.IsTransient && attempt < UnmountAttempts)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
            catch (ExternalCallException ex)
            {
                return new DiskUnmounted(false, usage, $"{ex.Message} (after {attempt} attempt(s))");
            }
        }

        if (disk.Device is { } exposed)
        {
            try
            {
                await device.FlushAsync(exposed, cancellationToken);
            }
            catch (ExternalCallException ex)
            {
                // The unmount already wrote everything back; the flush only hurries the device.
                LogFlushFailed(logger, exposed, ex.Message);
            }
        }

        return new DiskUnmounted(true, usage);
    }

    /// <summary>The usage is a metric sent with the commit: failing to read it must not keep the disk mounted.</summary>
    private async Task<long?> MeasureAsync(string mountPoint, CancellationToken cancellationToken)
    {
        try
        {
            return (await device.MeasureAsync(mountPoint, cancellationToken)).UsedBytes;
        }
        catch (ExternalCallException ex)
        {
            LogMeasureFailed(logger, mountPoint, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Could not measure {MountPoint} before unmount (the commit goes without its usage): {Reason}")]
    private static partial void LogMeasureFailed(ILogger logger, string mountPoint, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not flush {Device} after unmount: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string device, string reason);
}
