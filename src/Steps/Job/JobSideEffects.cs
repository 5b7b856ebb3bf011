using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Telemetry;

namespace Blacksmith.Steps.Job;

/// <summary>
/// What the job driver does around the lifecycle, beside its sequences: the cleanup after other jobs, the machine's
/// claims, the reports, the fork check, the daemon's log, the build secrets post removes and the trace it exports.
/// </summary>
/// <param name="Leftovers">The sweep before setup, and post's release from its claim when its journal is unusable.</param>
/// <param name="Claims">Every job's claim on this machine (post checks its journal against its own).</param>
/// <param name="Failures">Failure reports to the control plane, where the composition enables them.</param>
/// <param name="Fork">Whether this run is a pull request from a fork.</param>
/// <param name="DaemonLog">The daemon's log, shown when it never became ready.</param>
/// <param name="Reporting">Which best-effort reports are sent.</param>
internal sealed record JobSideEffects(
    IJobSweep Leftovers,
    IClaimRegistry Claims,
    FailureReporter Failures,
    IForkPullRequestProbe Fork,
    IDaemonLog DaemonLog,
    JobReporting Reporting)
{
    /// <summary>The secret files killed builds left, which post removes; null where builds have none (replay).</summary>
    public IBuildSecrets? Secrets { get; init; }

    /// <summary>The export of the job's trace, when the user asked for one.</summary>
    public JobTraceExport? TraceExport { get; init; }
}
