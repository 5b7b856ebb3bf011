using Blacksmith.Orchestration.Commands;

namespace Blacksmith.Hosting.Composition;

/// <summary>The lifecycle's commands sent through the generated mediator: a call on its sealed class, not through an interface.</summary>
internal sealed class MediatorLifecycleSender(Mediator.Mediator mediator) : ILifecycleSender
{
    public ValueTask<LifecycleResult> SendAsync(ILifecycleCommand command, CancellationToken cancellationToken) => mediator.Send(command, cancellationToken);
}
