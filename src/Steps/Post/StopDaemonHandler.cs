using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Release;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Stops the daemon this job spawned (<see cref="DaemonStopper"/>). Nothing to do when no daemon was spawned or it is
/// known to be stopped; a stop that failed before (a post run again) is tried again.
/// </summary>
internal sealed class StopDaemonHandler(IBuildkitDaemon daemon, ILifecycleContext lifecycle, TimeProvider time) : ICommandHandler<StopDaemon, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(StopDaemon command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        if (!LifecycleMachine.IsStopDue(snapshot))
        {
            return LifecycleResult.Nothing();
        }

        return LifecycleResult.Propose(await DaemonStopper.StopAsync(daemon, snapshot.Daemon!, DaemonStopper.GracePeriod, "post", time, cancellationToken));
    }
}
