using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: stop the buildkitd this job spawned (SIGTERM, then SIGKILL after the grace period).</summary>
internal sealed record StopDaemon(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DaemonStopped;
}
