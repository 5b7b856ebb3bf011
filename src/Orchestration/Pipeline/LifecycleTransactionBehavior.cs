using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Logging;
using Blacksmith.Orchestration.Recording;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Orchestration.Pipeline;

/// <summary>
/// The one door for transitions: loads the lifecycle from the journal, refuses a command the current state does
/// not permit before any effect, hands the snapshot to the handler, and journals the events it proposes. The
/// journal lock is held only while loading and while appending, never across the handler's effect.
/// </summary>
internal sealed class LifecycleTransactionBehavior<TMessage, TResponse>(
    LifecycleJournal journal,
    ILogger<LifecycleTransactionBehavior<TMessage, TResponse>> logger) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ILifecycleCommand
    where TResponse : LifecycleResult
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(next);
        var snapshot = await journal.LoadAsync(message.Session, cancellationToken);
        if (!LifecycleMachine.Admits(snapshot, message.Trigger, out var reason))
        {
            return Refuse(new LifecycleResult.Refused(CommandName, snapshot.State, message.Trigger, [reason!], snapshot));
        }

        LifecycleResult result;
        using (LifecycleContextAccessor.Enter(snapshot))
        using (EffectScope.Enter(message.Session))
        {
            result = await next(message, cancellationToken);
        }

        if (result is not LifecycleResult.Proposed proposed)
        {
            return (TResponse)result;
        }

        if (proposed.Events.Count == 0)
        {
            return (TResponse)(LifecycleResult)new LifecycleResult.Applied(snapshot, []);
        }

        var fired = await journal.FireAsync(snapshot, message.Session, proposed.Events, cancellationToken);
        return fired.Refused is { } refused
            ? Refuse(new LifecycleResult.Refused(CommandName, refused.State, refused.Trigger, refused.Unmet, fired.Snapshot))
            : (TResponse)(LifecycleResult)new LifecycleResult.Applied(fired.Snapshot, fired.Applied);
    }

    // Only a refusal names the command: a type's name is Native AOT reflection over its metadata, which every command
    // paid for before (about 1.4 % of a post with nothing to clean up).
    private static string CommandName => typeof(TMessage).Name;

    private TResponse Refuse(LifecycleResult.Refused refused)
    {
        logger.CommandRefused(refused.Command, refused.Message);
        return (TResponse)(LifecycleResult)refused;
    }
}
