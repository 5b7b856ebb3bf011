using Blacksmith.Orchestration.Leases;

namespace Blacksmith.Steps.Leases;

/// <summary>What a lease check made of one exposure.</summary>
/// <param name="Lease">The exposure and its lease.</param>
/// <param name="Verdict">What the lease allows (<see cref="LeasePolicy"/>).</param>
/// <param name="Released">Whether this check released it.</param>
/// <param name="Problem">Why a release the verdict allowed did not happen (the store refused or failed); null otherwise.</param>
public sealed record LeaseReview(ExposureLease Lease, LeaseVerdict Verdict, bool Released = false, string? Problem = null);
