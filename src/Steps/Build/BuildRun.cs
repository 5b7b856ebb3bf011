using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Build;

/// <summary>How one build went, and whether the job's lifecycle tracked it.</summary>
/// <param name="Report">What buildx reported.</param>
/// <param name="NotTracked">Why the lifecycle did not take this build (no setup in this job, or a failed one); null when it did.</param>
public sealed record BuildRun(BuildReport Report, LifecycleResult.Refused? NotTracked)
{
    public bool Tracked => NotTracked is null;
}
