using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>
/// Post: prune the daemon's cache down to the setup's maximum size, best effort, before it is stopped.
/// </summary>
/// <remarks>
/// It fires no trigger of its own: a prune decides nothing (a failed or slow prune leaves a larger cache, which the
/// commit policy has no reason to care about), so the lifecycle has no fact to record and the effect record of the
/// port call is its whole trace. It is admitted exactly where <see cref="LifecycleTrigger.DaemonStopped"/> is (the
/// owner, draining), because it is the first half of stopping the daemon.
/// </remarks>
internal sealed record PruneCache(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DaemonStopped;
}
