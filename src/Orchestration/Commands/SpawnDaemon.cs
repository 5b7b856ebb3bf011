using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: spawn buildkitd, detached, on the mounted root.</summary>
internal sealed record SpawnDaemon(string Session, DaemonLaunch Launch) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DaemonSpawned;
}
