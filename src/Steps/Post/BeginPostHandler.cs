using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Post;

internal sealed class BeginPostHandler : ICommandHandler<BeginPost, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(BeginPost command, CancellationToken cancellationToken) =>
        ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(new PostRequested()));
}
