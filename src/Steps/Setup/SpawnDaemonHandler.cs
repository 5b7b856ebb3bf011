using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// Spawns this job's buildkitd, unless a daemon this job did not start already holds the root or the address: that
/// one is never touched (no signal, no second daemon beside it), and setup fails naming what holds what. The machine
/// only lets this run while no daemon of this job is recorded, so whatever holds them is foreign.
/// </summary>
internal sealed class SpawnDaemonHandler(IBuildkitDaemon daemon) : ICommandHandler<SpawnDaemon, LifecycleResult>
{
    private const string Step = "start";

    public ValueTask<LifecycleResult> Handle(SpawnDaemon command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SetupAttempt.RunAsync(Step, async () =>
        {
            if (await daemon.FindForeignAsync(command.Launch.Root, command.Launch.Address, cancellationToken) is { } foreign)
            {
                return new SetupFailed(Step, $"{foreign.Describe()}; it was left alone and no buildkitd was started beside it");
            }

            return new DaemonSpawned(await daemon.SpawnAsync(command.Launch, cancellationToken));
        });
    }
}
