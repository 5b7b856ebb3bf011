using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>
/// A post step began. From the owner, this starts draining and marks every build still running as abandoned;
/// from an attached session it only reports. The owner's post beginning again while the drain has not decided resumes
/// it, and marks it as resumed (<see cref="LifecycleSnapshot.DrainResumed"/>): the commit is skipped then.
/// </summary>
public sealed record PostRequested : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.PostRequested;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context)
    {
        if (snapshot.OwnerSession != context.Session)
        {
            return snapshot;
        }

        var drainResumed = snapshot.DrainResumed || snapshot.State == LifecycleState.Draining;
        if (snapshot.BuildsInFlight == 0)
        {
            // A post resumed or run after the builds ended: the list stays as it is.
            return snapshot with { PostStarted = true, DrainResumed = drainResumed };
        }

        var builds = snapshot.Builds
            .Select(b => b.IsRunning ? b with { Outcome = BuildOutcome.Abandoned, Detail = "still running when post began" } : b)
            .ToImmutableList();
        return snapshot with { PostStarted = true, Builds = builds, DrainResumed = drainResumed };
    }
}
