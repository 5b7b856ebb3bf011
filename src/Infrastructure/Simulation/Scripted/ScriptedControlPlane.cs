using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The control plane of a scripted world.</summary>
public sealed class ScriptedControlPlane(ScriptedWorld world) : IControlPlane
{
    public Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return world.AnswerAsync(PortCalls.ControlPlaneBuildStarted, Arguments(("dockerfile", report.DockerfilePath)), cancellationToken);
    }

    public Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return world.AnswerAsync(PortCalls.ControlPlaneBuildFinished,
            Arguments(("buildId", report.DockerBuildId), ("succeeded", report.Succeeded), ("runtimeSeconds", report.RuntimeSeconds), ("cachedStepsRatio", report.CachedStepsRatio)), cancellationToken);
    }

    public Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return world.AnswerAsync(PortCalls.ControlPlaneFailure, Arguments(("kind", report.Kind), ("cacheKey", report.CacheKey), ("event", report.Event)), cancellationToken);
    }
}
