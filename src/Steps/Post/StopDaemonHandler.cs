using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Stops the daemon this job spawned: SIGTERM and a wait for the actual exit, then SIGKILL when the grace period
/// runs out. Nothing to do when no daemon was spawned or it was already stopped. Every call has a deadline of
/// its own (a signal that never returns is a failure to stop, not a post that hangs), and a signal that meets a
/// transient failure is sent again.
/// </summary>
public sealed class StopDaemonHandler(IBuildkitDaemon daemon, ILifecycleContext lifecycle, TimeProvider time) : ICommandHandler<StopDaemon, LifecycleResult>
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <summary>Delivering a signal is a syscall (or a sudo kill): seconds at most, retries included.</summary>
    public static readonly TimeSpan SignalDeadline = TimeSpan.FromSeconds(10);

    /// <summary>How long past its own wait a wait for the exit may take before it counts as failed.</summary>
    public static readonly TimeSpan WaitMargin = TimeSpan.FromSeconds(10);

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
        if (await SignalAsync(identity, DaemonSignal.Terminate, cancellationToken) == SignalDelivery.AlreadyGone)
        {
            return new DaemonStopped(DaemonStopOutcome.AlreadyGone, await WhyGoneAsync(identity, cancellationToken));
        }

        if (await WaitForExitAsync(identity, GracePeriod, cancellationToken))
        {
            return new DaemonStopped(DaemonStopOutcome.Graceful);
        }

        await SignalAsync(identity, DaemonSignal.Kill, cancellationToken);
        return await WaitForExitAsync(identity, KillWait, cancellationToken)
            ? new DaemonStopped(DaemonStopOutcome.Forced, $"buildkitd ignored SIGTERM for {GracePeriod.TotalSeconds:0} s and was killed")
            : new DaemonStopped(DaemonStopOutcome.Failed, $"buildkitd was still running {KillWait.TotalSeconds:0} s after SIGKILL");
    }

    private Task<SignalDelivery> SignalAsync(DaemonIdentity identity, DaemonSignal signal, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync("buildkitd.signal", ct => daemon.SignalAsync(identity, signal, ct), SignalDeadline, time, cancellationToken);

    private Task<bool> WaitForExitAsync(DaemonIdentity identity, TimeSpan wait, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync("buildkitd.waitForExit", ct => daemon.WaitForExitAsync(identity, wait, ct), wait + WaitMargin, time, cancellationToken);

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
