namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// Blacksmith's control plane: build and failure reports. Reporting is telemetry: the adapter retries network
/// errors and server errors a bounded number of times, then gives up with a warning, and never fails a build.
/// </summary>
public interface IControlPlane
{
    /// <summary>Reports a build about to start; returns the control plane's id for it, or null when it could not be reported.</summary>
    Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken);

    /// <summary>Reports how a build ended; returns whether the report was accepted.</summary>
    Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken);

    /// <summary>Reports a failure of the builder or the sticky disk (never a user's bad input); returns whether it was accepted.</summary>
    Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken);
}
