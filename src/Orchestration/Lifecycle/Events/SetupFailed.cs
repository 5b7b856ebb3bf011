using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>A setup step failed. What was acquired before stays recorded, so post can release it.</summary>
/// <param name="Step">The step that failed (e.g. <c>mount</c>).</param>
/// <param name="Message">What failed and why, as shown to the user.</param>
/// <param name="Failure">
/// The external call that failed, as data; null when no call failed (the step itself found something wrong) and in
/// journals written before it was recorded.
/// </param>
/// <param name="BudgetMilliseconds">
/// The budget the step ran under, for a step the host gives one (readiness); null otherwise and in older journals.
/// </param>
public sealed record SetupFailed(string Step, string Message, CallFailure? Failure = null, long? BudgetMilliseconds = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.SetupFailed;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { SetupFailure = $"{Step}: {Message}" };
}
