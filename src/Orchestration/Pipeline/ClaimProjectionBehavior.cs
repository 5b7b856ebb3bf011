using System.Collections.Frozen;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Orchestration.Pipeline;

/// <summary>
/// Keeps the job's machine-level claim a projection of its journal: after a command whose transitions acquired or
/// released something was journaled, and before the sequence goes on to the next effect, the claim is rewritten from
/// the new snapshot. So a kill at any moment leaves the claim naming everything the journal names (at most one record
/// behind it), and post and the cleanup of earlier jobs read one rule (<see cref="JobHoldings"/>). Right after the claim
/// was rewritten is a kill point (<c>claim:&lt;Trigger&gt;</c>, the batch's last trigger; <see cref="IFailpoints"/>).
/// </summary>
internal sealed class ClaimProjectionBehavior<TMessage, TResponse>(IJobClaim claim, IFailpoints failpoints) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ILifecycleCommand
    where TResponse : LifecycleResult
{
    // The triggers that change what a job holds, or whether it is acquiring; builds change nothing of it.
    private static readonly FrozenSet<LifecycleTrigger> Holding = FrozenSet.Create(
        LifecycleTrigger.SetupStarted, LifecycleTrigger.BuilderAttached, LifecycleTrigger.DiskExposed, LifecycleTrigger.DiskMounted,
        LifecycleTrigger.DaemonSpawned, LifecycleTrigger.DaemonExited, LifecycleTrigger.BuilderRegistered, LifecycleTrigger.SetupFailed,
        LifecycleTrigger.FallbackActivated, LifecycleTrigger.PostRequested, LifecycleTrigger.HoldingsFound, LifecycleTrigger.DaemonStopped,
        LifecycleTrigger.DiskUnmounted, LifecycleTrigger.DiskReleased, LifecycleTrigger.Drained, LifecycleTrigger.CommitRequested,
        LifecycleTrigger.CommitFailed);

    private readonly IFailpoints? _failpoints = NoFailpoints.Active(failpoints);

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        var response = await next(message, cancellationToken);
        if (response is LifecycleResult.Applied { Transitions: { Count: > 0 } transitions, Snapshot: var snapshot }
            && transitions.Any(t => Holding.Contains(t.Trigger)))
        {
            // Not cancellable: the effect is done and journaled; its claim must follow it.
            await claim.UpdateAsync(JobHoldings.Project(snapshot), CancellationToken.None);
            _failpoints?.Reached($"claim:{transitions[^1].Trigger}");
        }

        return response;
    }
}
