using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// This job's claim on the machine: a record, outside the job directory, of what the job holds right now, so that
/// whatever a killed job leaves is named somewhere a later post or job can read it (docs/leftovers.md). The pipeline
/// writes it as a projection of the journal, after every transition that acquires or releases something and before
/// the next effect. Writing it is best effort: a claim that cannot be written is a warning, never a failed step.
/// </summary>
public interface IJobClaim
{
    /// <summary>Records <paramref name="holdings"/>; null means the job holds nothing and needs no claim (it is removed).</summary>
    ValueTask UpdateAsync(JobHoldings? holdings, CancellationToken cancellationToken);
}
