namespace Blacksmith.Steps.Job;

/// <summary>
/// Which best-effort reports the driver sends besides the lifecycle: the store's metrics and the control plane's build
/// reports (failure reports are <see cref="Reports.FailureReporter"/>'s to allow). A replay sends neither, since they
/// decide nothing and a recorded journal's replay does not script them.
/// </summary>
/// <param name="Metrics">Setup's and post's durations, and the feature's use, to the store.</param>
/// <param name="Builds">A build's start and finish to the control plane, for a build on this job's own builder.</param>
internal sealed record JobReporting(bool Metrics, bool Builds)
{
    /// <summary>Metrics only: every host but a Blacksmith agent's, whose control plane takes build reports.</summary>
    public static JobReporting MetricsOnly { get; } = new(Metrics: true, Builds: false);

    /// <summary>Nothing besides the lifecycle (replay).</summary>
    public static JobReporting None { get; } = new(Metrics: false, Builds: false);
}
