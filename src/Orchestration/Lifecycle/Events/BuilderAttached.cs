using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>A builder not started by this job was found running and is used as it is; nothing is acquired.</summary>
public sealed record BuilderAttached(SetupFacts Setup, string BuilderName, string Address, string Reason) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.BuilderAttached;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { OwnerSession = context.Session, Mode = BuilderMode.Attached, Setup = Setup, BuilderName = BuilderName };
}
