using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Syncs and measures the sticky disk, unmounts it (retrying while it is busy), then flushes the device. Nothing
/// to do when no disk is mounted; a mount that is already gone counts as unmounted.
/// </summary>
public sealed partial class UnmountStickyDiskHandler(IBlockDevice device, ILifecycleContext lifecycle, TimeProvider time, ILogger<UnmountStickyDiskHandler> logger)
    : ICommandHandler<UnmountStickyDisk, LifecycleResult>
{
    public const int UnmountAttempts = 5;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Each call's own deadline: a sync of a large dirty cache takes seconds, never minutes.</summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(120);

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
        // Only the unmount itself decides whether the filesystem was cleanly written back: the checks before it
        // are helpers, and one of them failing must never leave the filesystem mounted under a released disk.
        if (!await HelperAsync("blockdevice.isMounted", ct => device.IsMountedAsync(mountPoint, ct), true, cancellationToken))
        {
            return new DiskUnmounted(true, null, $"{mountPoint} was no longer mounted");
        }

        // A failed sync still unmounts (the mount must not outlive the disk), but an I/O error while writing back says
        // the filesystem may not hold what the builds wrote: the unmount is then not clean, and nothing is committed.
        string? syncFailure = null;
        try
        {
            await Bounded.RunAsync("blockdevice.sync", ct => device.SyncAsync(mountPoint, ct), CallDeadline, time, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            LogHelperFailed(logger, "blockdevice.sync", ex.Message);
            syncFailure = ex.Message;
        }

        var usage = await HelperAsync<FilesystemUsage?>("blockdevice.measure", async ct => await device.MeasureAsync(mountPoint, ct), null, cancellationToken);
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Bounded.RunAsync("blockdevice.unmount", ct => device.UnmountAsync(mountPoint, ct), CallDeadline, time, cancellationToken);
                break;
            }
            catch (ExternalCallException ex) when (ex.IsTransient && attempt < UnmountAttempts)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
            catch (ExternalCallException ex)
            {
                return new DiskUnmounted(false, usage?.UsedBytes, $"{ex.Message} (after {attempt} attempt(s))");
            }
        }

        if (disk.Device is { } exposed)
        {
            try
            {
                await Bounded.RunAsync("blockdevice.flush", ct => device.FlushAsync(exposed, ct), CallDeadline, time, cancellationToken);
            }
            catch (ExternalCallException ex)
            {
                // The unmount already wrote everything back; the flush only hurries the device.
                LogFlushFailed(logger, exposed, ex.Message);
            }
        }

        return syncFailure is null
            ? new DiskUnmounted(true, usage?.UsedBytes)
            : new DiskUnmounted(false, usage?.UsedBytes, $"unmounted, but the sync before it failed ({syncFailure}): the cache may be incomplete");
    }

    /// <summary>A call before the unmount: bounded, and on failure a warning and <paramref name="otherwise"/>.</summary>
    private async Task<T> HelperAsync<T>(string operation, Func<CancellationToken, Task<T>> call, T otherwise, CancellationToken cancellationToken)
    {
        try
        {
            return await Bounded.RunAsync(operation, call, CallDeadline, time, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            LogHelperFailed(logger, operation, ex.Message);
            return otherwise;
        }
    }

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{Operation} failed before unmount ({Reason}); unmounting anyway")]
    private static partial void LogHelperFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not flush {Device} after unmount: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string device, string reason);
}
