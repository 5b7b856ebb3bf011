using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>After a failed setup, builds use a local builder without the sticky disk. A fallback never commits.</summary>
public sealed record FallbackActivated(string BuilderName, string Reason) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.FallbackActivated;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { Mode = BuilderMode.Fallback, BuilderName = BuilderName, Builder = null };
}
