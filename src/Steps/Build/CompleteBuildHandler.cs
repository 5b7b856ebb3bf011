using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Build;

internal sealed class CompleteBuildHandler : ICommandHandler<CompleteBuild, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(CompleteBuild command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(
            new BuildFinished(command.BuildId, command.Outcome, command.Detail)));
    }
}
