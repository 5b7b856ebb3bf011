using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Resilience;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>A check that cannot be made (or does not answer within its deadline) is inconclusive, never a pass.</summary>
internal sealed class CheckEarlierStepsHandler(IEarlierStepsProbe probe, ILifecycleContext lifecycle, TimeProvider time)
    : ICommandHandler<CheckEarlierSteps, LifecycleResult>
{
    /// <summary>The check reads the job status input, or asks the CI's API once: a minute is plenty.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public async ValueTask<LifecycleResult> Handle(CheckEarlierSteps command, CancellationToken cancellationToken)
    {
        if (!LifecycleMachine.IsEarlierStepsCheckDue(lifecycle.Snapshot))
        {
            return LifecycleResult.Nothing();
        }

        try
        {
            var report = await Bounded.RunAsync(PortCalls.EarlierStepsCheck.Name, probe.CheckAsync, Deadline, time, cancellationToken);
            return LifecycleResult.Propose(new EarlierStepsChecked(report.Result, report.Source, report.Detail));
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new EarlierStepsChecked(EarlierStepsResult.Inconclusive, ex.Operation, ex.Message));
        }
    }
}
