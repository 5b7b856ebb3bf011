using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Resilience;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Post;

/// <summary>
/// When setup never finished, looks on the machine for what it may have acquired without journaling it: a setup killed
/// after an effect and before its record leaves an exposure the store holds for this job, the disk mounted at the
/// job's root, or the job's buildkitd running. Each is recorded (<see cref="HoldingsFound"/>) so the drain releases it
/// like any other. A mount counts only on evidence that it is this job's: the device the store exposed to this job is
/// what is mounted at its root. A setup that finished journaled everything: nothing is looked for.
/// </summary>
internal partial class ReconcileHoldingsHandler(
    IStickyDiskStore store,
    IBlockDevice device,
    IBuildkitDaemon daemon,
    ILifecycleContext lifecycle,
    TimeProvider time,
    ILogger<ReconcileHoldingsHandler> logger) : ICommandHandler<ReconcileHoldings, LifecycleResult>
{
    /// <summary>Each look's own deadline: reading a few records or /proc, never more.</summary>
    public static readonly TimeSpan LookDeadline = TimeSpan.FromSeconds(30);

    public async ValueTask<LifecycleResult> Handle(ReconcileHoldings command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var snapshot = lifecycle.Snapshot;
        if (!snapshot.SetupNeverFinished)
        {
            return LifecycleResult.Nothing();
        }

        var disk = snapshot.Disk;
        var failed = new List<string>();
        string? exposeId = null;
        var exposedDevice = disk.Device;
        if (!disk.HoldsExposeId)
        {
            var found = await LookAsync(PortCalls.StickyDiskFindExposures.Name, ct => store.FindExposuresAsync(command.Launch.JobDirectory, ct), [], failed, cancellationToken);
            if (found.Count > 0)
            {
                (exposeId, exposedDevice) = (found[0].ExposeId, found[0].Device);
                foreach (var other in found.Skip(1))
                {
                    LogUnexpectedExposure(logger, other.ExposeId, command.Launch.JobDirectory);
                }
            }
        }

        string? mountPoint = null;
        var root = snapshot.Setup?.Root ?? command.Launch.Root;
        if (!disk.Mounted && !string.IsNullOrEmpty(exposedDevice)
            && await LookAsync(PortCalls.BlockDeviceMountSource.Name, ct => device.MountSourceAsync(root, ct), null, failed, cancellationToken) is { } source)
        {
            if (string.Equals(source, exposedDevice, StringComparison.Ordinal))
            {
                mountPoint = root;
            }
            else
            {
                LogForeignMount(logger, root, source, exposedDevice);
            }
        }

        var spawned = snapshot.Daemon is null
            ? await LookAsync(PortCalls.DaemonFindLaunched.Name, ct => daemon.FindLaunchedAsync(command.Launch, ct), null, failed, cancellationToken)
            : null;

        var finding = new HoldingsFound(exposeId, exposeId is null ? null : exposedDevice, mountPoint, spawned, failed.Count == 0 ? null : string.Join("; ", failed));
        return finding.FoundNothing() && finding.Unsearched == snapshot.Unreconciled ? LifecycleResult.Nothing() : LifecycleResult.Propose(finding);
    }

    /// <summary>
    /// One look, retried while the answer is transient, within its deadline. A look that fails finds nothing and is
    /// named in <paramref name="failed"/>: the drain then releases nothing until a look succeeds.
    /// </summary>
    private async Task<T> LookAsync<T>(string operation, Func<CancellationToken, Task<T>> look, T nothing, List<string> failed, CancellationToken cancellationToken)
    {
        try
        {
            return await TransientRetry.RunAsync(operation, look, LookDeadline, time, cancellationToken, Repeat.Idempotent);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLookFailed(logger, operation, ex.Message);
            failed.Add($"{operation}: {ex.Message}");
            return nothing;
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Could not look for what the unfinished setup left ({Operation}: {Reason}); nothing is released until a look succeeds")]
    private static partial void LogLookFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "{Root} is mounted from {Source}, not from this job's disk {Device}; it is not this job's and is left alone")]
    private static partial void LogForeignMount(ILogger logger, string root, string source, string? device);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "The store holds another exposure {ExposeId} for {Holder}; a job exposes one disk, so it is left for the cleanup after this job")]
    private static partial void LogUnexpectedExposure(ILogger logger, string exposeId, string holder);
}
