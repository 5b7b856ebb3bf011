using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every report to the control plane (its token is the adapter's and never an argument).</summary>
internal sealed class RecordingControlPlane(IControlPlane inner, EffectCalls calls) : IControlPlane
{
    public Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return calls.RunAsync(PortCalls.ControlPlaneBuildStarted, Arguments(("dockerfile", report.DockerfilePath)),
            () => inner.ReportBuildStartedAsync(report, cancellationToken));
    }

    public Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return calls.RunAsync(PortCalls.ControlPlaneBuildFinished,
            Arguments(("buildId", report.DockerBuildId), ("succeeded", report.Succeeded), ("runtimeSeconds", report.RuntimeSeconds), ("cachedStepsRatio", report.CachedStepsRatio)),
            () => inner.ReportBuildFinishedAsync(report, cancellationToken));
    }

    public Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return calls.RunAsync(PortCalls.ControlPlaneFailure, Arguments(("kind", report.Kind), ("cacheKey", report.CacheKey), ("event", report.Event)),
            () => inner.ReportFailureAsync(report, cancellationToken));
    }
}
