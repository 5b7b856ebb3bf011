using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>
/// The facts that came with a trigger. Each concrete event is named after its trigger, is journaled as the
/// payload of a transition record, and knows how it changes the snapshot. Events never carry secrets.
/// </summary>
public abstract record LifecycleEvent
{
    [JsonIgnore]
    public abstract LifecycleTrigger Trigger { get; }

    /// <summary>Applies this event's facts to <paramref name="snapshot"/>; the state is set by the machine, not here.</summary>
    internal abstract LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context);
}
