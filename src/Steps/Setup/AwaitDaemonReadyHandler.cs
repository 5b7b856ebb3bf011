using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// Probes until the daemon answers. A probe waits for the daemon's address itself, a few milliseconds at a time, so
/// however long the daemon takes to start, the probe after one that waited follows at once. Only answers that came
/// back at once (the address accepts, but the daemon says it is not ready) back off, from a small first pause,
/// because each of those is a buildctl process and a journal record; a probe that waited starts the backoff afresh,
/// since a daemon that has just opened its address should answer within the first pause. The wait stops at once when
/// the daemon exits, instead of waiting out the budget. A daemon that died on a corrupt cache
/// database gets that database moved aside and one more start, so a corrupt cache heals instead of failing every job.
/// </summary>
internal sealed class AwaitDaemonReadyHandler(IBuildkitDaemon daemon, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<AwaitDaemonReady, LifecycleResult>
{
    /// <summary>The step a failed wait names (<c>SetupFailed.Step</c>).</summary>
    public const string Step = "ready";
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    public ValueTask<LifecycleResult> Handle(AwaitDaemonReady command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var snapshot = lifecycle.Snapshot;
        var identity = snapshot.Daemon;
        // Every outcome names the budget the wait ran under, so that a replay of the journal waits as long.
        var budget = (long)command.Budget.TotalMilliseconds;
        return SetupAttempt.RunAsync(Step, async () =>
        {
            if (identity is null)
            {
                return new SetupFailed(Step, "no daemon was spawned", BudgetMilliseconds: budget);
            }

            var started = time.GetTimestamp();
            var delay = FirstDelay;
            while (true)
            {
                var asked = time.GetTimestamp();
                var probe = await daemon.ProbeAsync(identity, cancellationToken);
                var waited = time.GetElapsedTime(started);
                var probing = time.GetElapsedTime(asked);
                switch (probe.Status)
                {
                    case DaemonProbeStatus.Ready:
                        return new DaemonReady((long)waited.TotalMilliseconds, budget);
                    case DaemonProbeStatus.Exited when probe.CorruptDatabase is { } database && LifecycleMachine.MayRestartDaemon(snapshot):
                        var quarantined = await daemon.QuarantineDatabaseAsync(database, cancellationToken);
                        return new DaemonExited(probe.Detail ?? "corrupt cache database", quarantined);
                    case DaemonProbeStatus.Exited:
                        return new SetupFailed(Step, $"buildkitd exited while starting: {probe.Detail ?? "no log"}", BudgetMilliseconds: budget);
                }

                if (waited + delay > command.Budget)
                {
                    return new SetupFailed(Step, $"buildkitd was not ready within {command.Budget.TotalSeconds:0.#} s", BudgetMilliseconds: budget);
                }

                // A probe that itself waited for the daemon (the adapter watches its address) has done the pause: sleeping
                // on top of it could only find a daemon that is already answering later, and a backoff grown while the
                // daemon was starting would delay the answer of one that has just opened its address.
                if (probing >= delay)
                {
                    delay = FirstDelay;
                    continue;
                }

                await Task.Delay(delay - probing, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }, budget);
    }
}
