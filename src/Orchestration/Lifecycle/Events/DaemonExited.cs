using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>
/// The spawned daemon exited before it was ready and setup will start another (after moving a corrupt cache
/// database aside). Forgets the dead daemon, so post does not try to stop it.
/// </summary>
/// <param name="Detail">Why it exited: the tail of its log.</param>
/// <param name="QuarantinedDatabase">Where the corrupt database was moved, when one was.</param>
public sealed record DaemonExited(string Detail, string? QuarantinedDatabase = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.DaemonExited;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { Daemon = null, DaemonReady = false, DaemonRestarts = snapshot.DaemonRestarts + 1 };
}
