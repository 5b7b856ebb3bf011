using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>A build began on the job's builder.</summary>
public sealed record BuildStarted(string BuildId, string Name) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.BuildStarted;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot.WithBuild(new BuildRecord(BuildId, Name, context.Session, context.At, BuildOutcome.Running));
}
