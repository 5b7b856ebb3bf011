using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: learn whether the job's earlier steps succeeded.</summary>
internal sealed record CheckEarlierSteps(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.EarlierStepsChecked;
}
