using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Resilience;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Release;

/// <summary>
/// Takes a sticky disk off its mount point: syncs and measures it, unmounts it (retrying while it is busy), then flushes
/// the device. The one way a disk is unmounted, by post and by the cleanup after a killed job alike. Every call is
/// bounded; only the unmount itself decides whether the disk is still mounted, and only a clean write-back makes a
/// commit possible. A helper call around the unmount that fails in any way, even with an adapter's bug, never keeps
/// the disk mounted: the unmount is still tried.
/// </summary>
internal partial class DiskUnmounter(IBlockDevice device, TimeProvider time, ILogger<DiskUnmounter> logger)
{
    public const int UnmountAttempts = 5;

    // A busy mount point (a process still closing its files) is retried with a doubling delay from 100 ms.
    private static readonly CallRetry UnmountRetry = new(ex => ex.IsTransient, UnmountAttempts, TimeSpan.FromMilliseconds(100), TimeSpan.MaxValue);

    /// <summary>Each call's own deadline: a sync of a large dirty cache takes seconds, never minutes.</summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(120);

    /// <summary>Unmounts what is at <paramref name="mountPoint"/> (<paramref name="exposedDevice"/> is flushed after); never throws for the disk's sake.</summary>
    public async Task<DiskUnmounted> UnmountAsync(string mountPoint, string? exposedDevice, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPoint);
        try
        {
            return await UnmountCoreAsync(mountPoint, exposedDevice, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            return new DiskUnmounted(false, null, ex.Message, StillMounted: true);
        }
    }

    private async Task<DiskUnmounted> UnmountCoreAsync(string mountPoint, string? exposedDevice, CancellationToken cancellationToken)
    {
        // The checks before the unmount are helpers, and one of them failing must never leave the filesystem mounted
        // under a released disk.
        if (!await HelperAsync(PortCalls.BlockDeviceIsMounted.Name, ct => device.IsMountedAsync(mountPoint, ct), true, cancellationToken))
        {
            return new DiskUnmounted(true, null, $"{mountPoint} was no longer mounted", StillMounted: false);
        }

        // A failed sync still unmounts (the mount must not outlive the disk), but an I/O error while writing back says
        // the filesystem may not hold what the builds wrote: the unmount is then not clean, and nothing is committed.
        string? syncFailure = null;
        try
        {
            await Bounded.RunAsync(PortCalls.BlockDeviceSync.Name, ct => device.SyncAsync(mountPoint, ct), CallDeadline, time, cancellationToken);
        }
        catch (Exception ex) when (IsHelperFailure(ex, cancellationToken))
        {
            LogHelperFailed(logger, PortCalls.BlockDeviceSync.Name, ex.Message);
            syncFailure = ex.Message;
        }

        var usage = await HelperAsync<FilesystemUsage?>(PortCalls.BlockDeviceMeasure.Name, async ct => await device.MeasureAsync(mountPoint, ct), null, cancellationToken);
        var attempts = 0;
        try
        {
            await CallPipeline.RunAsync(PortCalls.BlockDeviceUnmount.Name, async ct =>
            {
                attempts++;
                await device.UnmountAsync(mountPoint, ct);
                return true;
            }, deadline: null, UnmountRetry, time, cancellationToken, attemptDeadline: CallDeadline);
        }
        catch (ExternalCallException ex)
        {
            return new DiskUnmounted(false, usage?.UsedBytes, $"{ex.Message} (after {attempts} attempt(s))", StillMounted: true);
        }

        if (!string.IsNullOrEmpty(exposedDevice))
        {
            try
            {
                await Bounded.RunAsync(PortCalls.BlockDeviceFlush.Name, ct => device.FlushAsync(exposedDevice, ct), CallDeadline, time, cancellationToken);
            }
            catch (Exception ex) when (IsHelperFailure(ex, cancellationToken))
            {
                // The unmount already wrote everything back; the flush only hurries the device.
                LogFlushFailed(logger, exposedDevice, ex.Message);
            }
        }

        return syncFailure is null
            ? new DiskUnmounted(true, usage?.UsedBytes, StillMounted: false)
            : new DiskUnmounted(false, usage?.UsedBytes, $"unmounted, but the sync before it failed ({syncFailure}): the cache may be incomplete", StillMounted: false);
    }

    /// <summary>A call before the unmount: bounded, and on failure a warning and <paramref name="otherwise"/>.</summary>
    private async Task<T> HelperAsync<T>(string operation, Func<CancellationToken, Task<T>> call, T otherwise, CancellationToken cancellationToken)
    {
        try
        {
            return await Bounded.RunAsync(operation, call, CallDeadline, time, cancellationToken);
        }
        catch (Exception ex) when (IsHelperFailure(ex, cancellationToken))
        {
            LogHelperFailed(logger, operation, ex.Message);
            return otherwise;
        }
    }

    // Any failure of a helper, a bug in its adapter included (the recording decorator has journaled it as such); never
    // the step's own cancellation.
    private static bool IsHelperFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{Operation} failed before unmount ({Reason}); unmounting anyway")]
    private static partial void LogHelperFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not flush {Device} after unmount: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string device, string reason);
}
