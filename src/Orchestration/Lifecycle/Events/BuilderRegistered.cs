using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>The daemon is registered as the default buildx builder.</summary>
/// <param name="BuilderName">The builder's name.</param>
/// <param name="Builder">
/// What the registration learned about it (buildx version, driver, BuildKit versions), which every build of the job
/// reads instead of asking buildx; absent in journals written before it was recorded, and then a build asks.
/// </param>
public sealed record BuilderRegistered(string BuilderName, BuilderFacts? Builder = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.BuilderRegistered;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { BuilderName = BuilderName, Builder = Builder };
}
