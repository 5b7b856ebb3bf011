using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Mediator;

namespace Blacksmith.Steps.Setup;

internal sealed class AttachSessionHandler : ICommandHandler<AttachSession, LifecycleResult>
{
    public ValueTask<LifecycleResult> Handle(AttachSession command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ValueTask.FromResult<LifecycleResult>(LifecycleResult.Propose(new SessionAttached(command.CacheKey)));
    }
}
