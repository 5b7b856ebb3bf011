using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>A check that cannot be made is inconclusive, never a pass.</summary>
public sealed class CheckEarlierStepsHandler(IEarlierStepsProbe probe, ILifecycleContext lifecycle)
    : ICommandHandler<CheckEarlierSteps, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(CheckEarlierSteps command, CancellationToken cancellationToken)
    {
        if (lifecycle.Snapshot.EarlierSteps != EarlierStepsResult.Unchecked)
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            var report = await probe.CheckAsync(cancellationToken);
            return LifecycleResult.Propose(new EarlierStepsChecked(report.Result, report.Source, report.Detail));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new EarlierStepsChecked(EarlierStepsResult.Inconclusive, ex.Operation, ex.Message));
        }
    }
}
