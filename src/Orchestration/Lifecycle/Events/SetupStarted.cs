using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>The recording session began setting up a sticky-disk builder and owns it from now on.</summary>
public sealed record SetupStarted(SetupFacts Setup) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.SetupStarted;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { OwnerSession = context.Session, Mode = BuilderMode.StickyDisk, Setup = Setup };
}
