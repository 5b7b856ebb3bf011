using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// The control plane under one step's <see cref="ReportBudget"/>: every report, whatever its kind, draws on it, and one
/// that outlives it is a <see cref="ExternalErrorKind.Timeout"/> its caller already tolerates (reporting never fails a
/// step). Sits between the adapter and the recording decorator, so the journal records such a report as timed out.
/// </summary>
internal sealed class BoundedControlPlane(IControlPlane inner, ReportBudget budget) : IControlPlane
{
    public Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken) =>
        budget.RunAsync(PortCalls.ControlPlaneBuildStarted.Name, ct => inner.ReportBuildStartedAsync(report, ct), cancellationToken);

    public Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken) =>
        budget.RunAsync(PortCalls.ControlPlaneBuildFinished.Name, ct => inner.ReportBuildFinishedAsync(report, ct), cancellationToken);

    public Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken) =>
        budget.RunAsync(PortCalls.ControlPlaneFailure.Name, ct => inner.ReportFailureAsync(report, ct), cancellationToken);
}
