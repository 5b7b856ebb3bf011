namespace Blacksmith.Orchestration.Commands;

/// <summary>
/// Sends a lifecycle command through the mediator's pipeline. The sequences send through this, not the mediator's
/// <c>ISender</c>: its <c>Send&lt;TResponse&gt;</c> is a generic virtual method, whose target Native AOT looks up at run
/// time on the first call in a process (2.5 % of a post with nothing to clean up, which sends one command). The
/// composition root implements it over the generated mediator, whose own method it calls directly.
/// </summary>
internal interface ILifecycleSender
{
    ValueTask<LifecycleResult> SendAsync(ILifecycleCommand command, CancellationToken cancellationToken);
}
