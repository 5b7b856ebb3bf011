using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Build;

internal sealed class BeginBuildHandler : ICommandHandler<BeginBuild, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(BeginBuild command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(new BuildStarted(command.BuildId, command.Name)));
    }
}
