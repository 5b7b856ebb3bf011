using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>Post learned whether the job's earlier steps succeeded.</summary>
/// <param name="Result">The answer, or <see cref="EarlierStepsResult.Inconclusive"/> when it could not be known.</param>
/// <param name="Source">Where the answer came from (e.g. <c>job-status input</c>).</param>
/// <param name="Detail">What was seen (e.g. the failed step), when known.</param>
public sealed record EarlierStepsChecked(EarlierStepsResult Result, string Source, string? Detail = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.EarlierStepsChecked;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { EarlierSteps = Result, EarlierStepsDetail = Detail is null ? Source : $"{Source}: {Detail}" };
}
