using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>Everything acquired was released; the commit policy decides where the lifecycle goes next.</summary>
public sealed record Drained : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.Drained;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) => snapshot;
}
