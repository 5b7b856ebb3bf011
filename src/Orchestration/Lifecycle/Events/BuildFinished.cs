using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>A build ended. A build that post already counted as abandoned stays abandoned.</summary>
public sealed record BuildFinished(string BuildId, BuildOutcome Outcome, string? Detail = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.BuildFinished;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context)
    {
        if (snapshot.FindBuild(BuildId) is not { } build)
        {
            return snapshot;
        }

        var outcome = build.Outcome == BuildOutcome.Abandoned ? BuildOutcome.Abandoned : Outcome;
        var detail = build.Outcome == BuildOutcome.Abandoned ? $"finished as {Outcome} after post began" : Detail;
        return snapshot.WithBuild(build with { Outcome = outcome, FinishedAt = context.At, Detail = detail });
    }
}
