using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// Waits for the exposed device to report a size, prepares its filesystem (grow an ext4, format a blank device) and
/// mounts it at the BuildKit root. First it makes sure no buildkitd this job did not start is using that root: mounting
/// over it would swap the files under a running daemon (and hide its lock from the spawn step's own check).
/// </summary>
/// <remarks>
/// A device that holds anything but ext4 (another filesystem, a partition table, conflicting signatures), and an ext4
/// the kernel refuses to mount as corrupt, are reformatted with a warning: the store hands this job the device of its
/// own cache key, so what is on it is a cache that cannot be used, and left as it is every later job of the key would
/// fall back too. Formatting itself refuses a device that is mounted or in use (<see cref="IBlockDevice.FormatAsync"/>),
/// and a device this step formatted is never formatted again.
/// </remarks>
internal partial class MountStickyDiskHandler(
    IBlockDevice device,
    IBuildkitDaemon daemons,
    ILifecycleContext lifecycle,
    TimeProvider time,
    ILogger<MountStickyDiskHandler> logger)
    : ICommandHandler<MountStickyDisk, LifecycleResult>
{
    private const string Step = "mount";
    private static readonly TimeSpan SizePoll = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a freshly exposed device may report zero bytes before setup gives up on it.</summary>
    public static readonly TimeSpan SizeBudget = TimeSpan.FromSeconds(10);

    public ValueTask<LifecycleResult> Handle(MountStickyDisk command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exposed = lifecycle.Snapshot.Disk.Device;
        return SetupAttempt.RunAsync(Step, async () =>
        {
            if (exposed is null)
            {
                return new SetupFailed(Step, "no device was exposed");
            }

            // Only the root: the address is the spawn step's to check, and nothing of this job runs yet.
            if (await daemons.FindForeignAsync(command.MountPoint, null, cancellationToken) is { } foreign)
            {
                return new SetupFailed(Step, $"{foreign.Describe()}; the sticky disk was not mounted over a root in use, and that daemon was left alone");
            }

            if (!await HasSizeAsync(exposed, cancellationToken))
            {
                // A device that never reports a size is not attached; formatting it could destroy a cache that is.
                return new SetupFailed(Step, $"{exposed} still reports zero bytes after {SizeBudget.TotalSeconds:0} s; it was not formatted");
            }

            var filesystem = await device.DetectFilesystemAsync(exposed, cancellationToken);
            var formatted = false;
            switch (filesystem)
            {
                case Filesystems.Ext4:
                    await GrowAsync(exposed, cancellationToken);
                    break;
                case Filesystems.Directory:
                    // Nothing to grow or format: the directory is the cache.
                    break;
                case null:
                    await device.FormatAsync(exposed, cancellationToken);
                    formatted = true;
                    break;
                default:
                    LogReformatting(logger, exposed, filesystem);
                    await device.FormatAsync(exposed, cancellationToken);
                    formatted = true;
                    break;
            }

            try
            {
                await device.MountAsync(exposed, command.MountPoint, cancellationToken);
            }
            catch (ExternalCallException ex) when (ex.Kind == ExternalErrorKind.Corrupt && !formatted)
            {
                // Only corruption: a busy device, a missing permission or a timeout says nothing about the cache.
                LogReformattingCorrupt(logger, exposed, ex.Message);
                await device.FormatAsync(exposed, cancellationToken);
                formatted = true;
                await device.MountAsync(exposed, command.MountPoint, cancellationToken);
            }

            return new DiskMounted(command.MountPoint, formatted);
        });
    }

    private Task<bool> HasSizeAsync(string exposed, CancellationToken cancellationToken) =>
        CallPipeline.PollAsync(async ct => await device.GetSizeAsync(exposed, ct) > 0, SizePoll, SizeBudget, time, cancellationToken);

    private async Task GrowAsync(string exposed, CancellationToken cancellationToken)
    {
        try
        {
            await device.GrowFilesystemAsync(exposed, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            // The cache is still usable at its old size.
            LogGrowFailed(logger, exposed, ex.Message);
        }
    }

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "{Device} holds {Found}, not ext4; it is reformatted as ext4 and this job starts with an empty cache (the store gave this job the device of its own cache key, so nothing else can be on it)")]
    private static partial void LogReformatting(ILogger logger, string device, string found);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "The ext4 on {Device} is corrupt and does not mount ({Reason}); it is reformatted and this job starts with an empty cache")]
    private static partial void LogReformattingCorrupt(ILogger logger, string device, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not grow the filesystem on {Device} to the device's size: {Reason}")]
    private static partial void LogGrowFailed(ILogger logger, string device, string reason);
}
