using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>A control plane that keeps what it was told.</summary>
internal sealed class ReportedFailures : IControlPlane
{
    public List<FailureReport> Failures { get; } = [];

    public List<BuildStartReport> BuildsStarted { get; } = [];

    public Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken)
    {
        BuildsStarted.Add(report);
        return Task.FromResult<string?>("report-1");
    }

    public Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken)
    {
        Failures.Add(report);
        return Task.FromResult(true);
    }
}
