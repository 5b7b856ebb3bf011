using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Setup;

public sealed class AttachForeignBuilderHandler : ICommandHandler<AttachForeignBuilder, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(AttachForeignBuilder command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(
            new BuilderAttached(command.Setup, command.BuilderName, command.Address, command.Reason)));
    }
}
