using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Steps.Leftovers;

/// <summary>One claim of the machine, and whether its job is over as the sweep would judge it now.</summary>
/// <param name="Stored">The claim (or the entry that is not one).</param>
/// <param name="Verdict">The judgement; null for an entry that is not a claim.</param>
internal sealed record ClaimReview(StoredClaim Stored, JobEndVerdict? Verdict);
