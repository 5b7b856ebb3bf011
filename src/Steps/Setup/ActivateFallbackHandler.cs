using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

/// <summary>A fallback that fails too leaves the lifecycle in Failed; the caller reports both failures.</summary>
internal sealed class ActivateFallbackHandler(IBuilderRegistry builders) : ICommandHandler<ActivateFallback, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(ActivateFallback command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = await builders.ActivateFallbackAsync(cancellationToken);
        return LifecycleResult.Propose(new FallbackActivated(name, command.Reason));
    }
}
