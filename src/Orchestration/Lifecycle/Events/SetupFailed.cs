using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>A setup step failed. What was acquired before stays recorded, so post can release it.</summary>
/// <param name="Step">The step that failed (e.g. <c>mount</c>).</param>
/// <param name="Message">What failed and why, as shown to the user.</param>
public sealed record SetupFailed(string Step, string Message) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.SetupFailed;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with { SetupFailure = $"{Step}: {Message}" };
}
