using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// No machine-level claim: for replays, tests and embedders whose machines are not shared with later jobs (a fresh VM
/// per job). The journal alone then names what a job holds.
/// </summary>
public sealed class NoJobClaim : IJobClaim
{
    public ValueTask UpdateAsync(JobHoldings? holdings, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
