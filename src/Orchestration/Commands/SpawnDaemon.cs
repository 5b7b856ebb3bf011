using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: spawn buildkitd, detached, on the mounted root.</summary>
public sealed record SpawnDaemon(string Session, DaemonLaunch Launch) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DaemonSpawned;
}
