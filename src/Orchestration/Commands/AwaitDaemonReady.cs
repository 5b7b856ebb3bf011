using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: wait until buildkitd lists at least one worker.</summary>
public sealed record AwaitDaemonReady(string Session, TimeSpan Budget) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DaemonReady;
}
