using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Setup;

internal sealed class BeginSetupHandler : ICommandHandler<BeginSetup, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(BeginSetup command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(new SetupStarted(command.Setup)));
    }
}
