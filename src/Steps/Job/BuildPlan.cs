using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Job;

/// <summary>One build as the driver will run it (<see cref="JobDriver.PlanBuildAsync"/>), and what to say before it starts.</summary>
/// <param name="Session">The build host's session.</param>
/// <param name="BuildId">The lifecycle's id of the build.</param>
/// <param name="Name">How the build is named in the log and the summary.</param>
/// <param name="Inputs">What the user asked for.</param>
/// <param name="Before">The job's lifecycle as the build found it.</param>
/// <param name="Notes">What to say before the build runs.</param>
public sealed record BuildPlan(string Session, string BuildId, string Name, BuildInputs Inputs, LifecycleSnapshot Before, IReadOnlyList<JobNote> Notes)
{
    /// <summary>Whether the build runs on this job's own builder (the sticky disk's, or a daemon it attached to).</summary>
    public bool OnOwnBuilder => Before.State is LifecycleState.Ready or LifecycleState.Building && Before.Mode is BuilderMode.StickyDisk or BuilderMode.Attached;
}
