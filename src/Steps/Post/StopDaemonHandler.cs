using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Stops the daemon this job spawned: SIGTERM and a wait for the actual exit, then SIGKILL when the grace period
/// runs out. Nothing to do when no daemon was spawned or it was already stopped.
/// </summary>
public sealed class StopDaemonHandler(IBuildkitDaemon daemon, ILifecycleContext lifecycle) : ICommandHandler<StopDaemon, LifecycleResult>
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public async ValueTask<LifecycleResult> Handle(StopDaemon command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        if (snapshot.Daemon is not { } identity || snapshot.DaemonStop != DaemonStopOutcome.None)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            return LifecycleResult.Propose(await StopAsync(identity, cancellationToken));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new DaemonStopped(DaemonStopOutcome.Failed, ex.Message));
        }
    }

    private async Task<DaemonStopped> StopAsync(DaemonIdentity identity, CancellationToken cancellationToken)
    {
        if (await daemon.SignalAsync(identity, DaemonSignal.Terminate, cancellationToken) == SignalDelivery.AlreadyGone)
        {
            return new DaemonStopped(DaemonStopOutcome.AlreadyGone, await WhyGoneAsync(identity, cancellationToken));
        }

        if (await daemon.WaitForExitAsync(identity, GracePeriod, cancellationToken))
        {
            return new DaemonStopped(DaemonStopOutcome.Graceful);
        }

        await daemon.SignalAsync(identity, DaemonSignal.Kill, cancellationToken);
        return await daemon.WaitForExitAsync(identity, KillWait, cancellationToken)
            ? new DaemonStopped(DaemonStopOutcome.Forced, $"buildkitd ignored SIGTERM for {GracePeriod.TotalSeconds:0} s and was killed")
            : new DaemonStopped(DaemonStopOutcome.Failed, $"buildkitd was still running {KillWait.TotalSeconds:0} s after SIGKILL");
    }

    /// <summary>
    /// A daemon that died before post is a warning worth its log tail: a probe of a gone daemon starts no process, it
    /// reads the log the journaled identity names. Only diagnosis: it never changes the outcome.
    /// </summary>
    private async Task<string> WhyGoneAsync(DaemonIdentity identity, CancellationToken cancellationToken)
    {
        const string gone = "buildkitd had already exited before post";
        try
        {
            var probe = await daemon.ProbeAsync(identity, cancellationToken);
            return probe is { Status: DaemonProbeStatus.Exited, Detail: { Length: > 0 } tail } ? $"{gone}; its log ends with:\n{tail}" : gone;
        }
        catch (ExternalCallException)
        {
            return gone;
        }
    }
}
