using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>Stops the daemon this job spawned; nothing to do when none was spawned or it was already stopped.</summary>
public sealed class StopDaemonHandler(IBuildkitDaemon daemon, ILifecycleContext lifecycle) : ICommandHandler<StopDaemon, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(StopDaemon command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        if (snapshot.Daemon is not { } identity || snapshot.DaemonStop != DaemonStopOutcome.None)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            var stopped = await daemon.StopAsync(identity, cancellationToken);
            return LifecycleResult.Propose(new DaemonStopped(stopped.Outcome, stopped.Detail));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new DaemonStopped(DaemonStopOutcome.Failed, ex.Message));
        }
    }
}
