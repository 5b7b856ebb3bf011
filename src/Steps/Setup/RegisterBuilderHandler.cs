using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

internal sealed class RegisterBuilderHandler(IBuilderRegistry builders, ILifecycleContext lifecycle)
    : ICommandHandler<RegisterBuilder, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(RegisterBuilder command, CancellationToken cancellationToken)
    {
        var address = lifecycle.Snapshot.Daemon?.Address;
        return SetupAttempt.RunAsync("register", async () =>
        {
            if (address is null)
            {
                return new SetupFailed("register", "no daemon was spawned");
            }

            var registered = await builders.RegisterAsync(address, cancellationToken);
            return new BuilderRegistered(registered.Name, registered.Facts);
        });
    }
}
