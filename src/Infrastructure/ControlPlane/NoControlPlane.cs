using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.ControlPlane;

/// <summary>
/// The control plane of a job outside Blacksmith's runners: there is none, so nothing is sent anywhere. Reports
/// answer as an unreachable control plane would (no build id, not accepted), which every caller already tolerates.
/// </summary>
public sealed class NoControlPlane : IControlPlane
{
    public Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken) => Task.FromResult(false);
}
