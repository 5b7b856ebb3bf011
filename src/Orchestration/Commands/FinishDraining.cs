using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: everything is released; let the commit policy decide.</summary>
internal sealed record FinishDraining(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.Drained;
}
