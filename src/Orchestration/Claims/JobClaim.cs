using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Claims;

/// <summary>
/// One job's claim on its machine: what it holds (a projection of its journal) and the facts that tell a later job
/// whether it is over. Kept outside the job directory, which the runner may wipe (docs/leftovers.md).
/// </summary>
/// <param name="JobDirectory">The job's directory: the claim's identity, and the holder the store knows its exposures by.</param>
/// <param name="Owner">The process whose end shows the job is over, where one can show it; null when none could be told.</param>
/// <param name="BootId">The kernel's boot id when the claim was first written: after a reboot nothing it names runs or is mounted.</param>
/// <param name="CreatedAt">When the claim was first written (about when setup began): its age counts against the maximum job duration.</param>
/// <param name="Holdings">What the job holds, as its journal last said.</param>
public sealed record JobClaim(string JobDirectory, ClaimOwner? Owner, string BootId, DateTimeOffset CreatedAt, JobHoldings Holdings);
