using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

public sealed class SpawnDaemonHandler(IBuildkitDaemon daemon) : ICommandHandler<SpawnDaemon, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(SpawnDaemon command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SetupAttempt.RunAsync("start", async () =>
            new DaemonSpawned(await daemon.SpawnAsync(command.Launch, cancellationToken)));
    }
}
