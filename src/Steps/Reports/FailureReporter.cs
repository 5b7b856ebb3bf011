using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Reports;

/// <summary>
/// Sends failure reports to the control plane, best effort: a report that fails or runs out of the step's budget is
/// left at that (the recording decorator has journaled how it ended). Only on Blacksmith's runners, which the
/// composition decides (<paramref name="enabled"/>): a platform failure is reported to the platform that had it, and a
/// self-hosted machine's failures go nowhere.
/// </summary>
internal sealed class FailureReporter(IControlPlane controlPlane, bool enabled)
{
    /// <summary>Whether reports are sent at all.</summary>
    public bool Enabled => enabled;

    public async Task SendAsync(IReadOnlyList<FailureReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (!enabled)
        {
            return;
        }

        foreach (var report in reports)
        {
            try
            {
                await controlPlane.ReportFailureAsync(report, cancellationToken);
            }
            catch (ExternalCallException)
            {
                // Reporting never fails a step.
            }
        }
    }
}
