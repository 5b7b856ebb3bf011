using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Resilience;

namespace Blacksmith.Steps.Release;

/// <summary>
/// Stops one buildkitd: SIGTERM and a wait for the actual exit, then SIGKILL when the grace period runs out. Every call
/// has a deadline of its own (a signal that never returns is a failure to stop, not a step that hangs), and a signal
/// that meets a transient failure is sent again. The one way a daemon is stopped, by post and by the cleanup after a
/// killed job alike; the daemon port checks the pid still is that process before it signals.
/// </summary>
internal static class DaemonStopper
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <summary>Delivering a signal is a syscall (or a sudo kill): seconds at most, retries included.</summary>
    public static readonly TimeSpan SignalDeadline = TimeSpan.FromSeconds(10);

    /// <summary>How long past its own wait a wait for the exit may take before it counts as failed.</summary>
    public static readonly TimeSpan WaitMargin = TimeSpan.FromSeconds(10);

    /// <summary>Stops <paramref name="identity"/> and says how (never throws for the daemon's sake: a failure is an outcome).</summary>
    /// <param name="daemon">The daemon port, which checks the pid is still that process before each signal.</param>
    /// <param name="identity">The daemon.</param>
    /// <param name="gracePeriod">How long it gets to exit after SIGTERM.</param>
    /// <param name="stopper">Who stops it (<c>post</c>, <c>the cleanup</c>), for the message when it was already gone.</param>
    /// <param name="time">The clock of the deadlines.</param>
    /// <param name="cancellationToken">Cancels the stop (the step was cancelled).</param>
    public static async Task<DaemonStopped> StopAsync(
        IBuildkitDaemon daemon, DaemonIdentity identity, TimeSpan gracePeriod, string stopper, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        ArgumentNullException.ThrowIfNull(identity);
        try
        {
            if (await SignalAsync(daemon, identity, DaemonSignal.Terminate, time, cancellationToken) == SignalDelivery.AlreadyGone)
            {
                return new DaemonStopped(DaemonStopOutcome.AlreadyGone, await WhyGoneAsync(daemon, identity, $"buildkitd had already exited before {stopper}", cancellationToken));
            }

            if (await WaitForExitAsync(daemon, identity, gracePeriod, time, cancellationToken))
            {
                return new DaemonStopped(DaemonStopOutcome.Graceful);
            }

            await SignalAsync(daemon, identity, DaemonSignal.Kill, time, cancellationToken);
            return await WaitForExitAsync(daemon, identity, KillWait, time, cancellationToken)
                ? new DaemonStopped(DaemonStopOutcome.Forced, $"buildkitd ignored SIGTERM for {gracePeriod.TotalSeconds:0.#} s and was killed")
                : new DaemonStopped(DaemonStopOutcome.Failed, $"buildkitd was still running {KillWait.TotalSeconds:0} s after SIGKILL");
        }
        catch (ExternalCallException ex)
        {
            return new DaemonStopped(DaemonStopOutcome.Failed, ex.Message);
        }
    }

    private static Task<SignalDelivery> SignalAsync(IBuildkitDaemon daemon, DaemonIdentity identity, DaemonSignal signal, TimeProvider time, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(PortCalls.DaemonSignal.Name, ct => daemon.SignalAsync(identity, signal, ct), SignalDeadline, time, cancellationToken);

    private static Task<bool> WaitForExitAsync(IBuildkitDaemon daemon, DaemonIdentity identity, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(PortCalls.DaemonWaitForExit.Name, ct => daemon.WaitForExitAsync(identity, wait, ct), wait + WaitMargin, time, cancellationToken);

    /// <summary>
    /// A daemon that died before it was stopped is a warning worth its log tail: a probe of a gone daemon starts no
    /// process, it reads the log the identity names. Only diagnosis: it never changes the outcome.
    /// </summary>
    private static async Task<string> WhyGoneAsync(IBuildkitDaemon daemon, DaemonIdentity identity, string gone, CancellationToken cancellationToken)
    {
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
