using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: wait until buildkitd lists at least one worker.</summary>
internal sealed record AwaitDaemonReady(string Session, TimeSpan Budget) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DaemonReady;
}
