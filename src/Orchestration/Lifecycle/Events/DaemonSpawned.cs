using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>buildkitd was spawned (not yet ready); journaled at once so any later process can stop it.</summary>
public sealed record DaemonSpawned(DaemonIdentity Daemon) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DaemonSpawned;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { Daemon = Daemon };
}
