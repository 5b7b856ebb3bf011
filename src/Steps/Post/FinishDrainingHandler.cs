using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Post;

internal sealed class FinishDrainingHandler : ICommandHandler<FinishDraining, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(FinishDraining command, CancellationToken cancellationToken) =>
        ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(new Drained()));
}
