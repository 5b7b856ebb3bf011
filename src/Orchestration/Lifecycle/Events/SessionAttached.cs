using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>A later setup of the same job attached to the builder an earlier setup started.</summary>
public sealed record SessionAttached(string CacheKey) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.SessionAttached;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot.AttachedSessions.Contains(context.Session)
            ? snapshot
            : snapshot with { AttachedSessions = snapshot.AttachedSessions.Add(context.Session) };
}
