namespace Blacksmith.Orchestration.Claims;

/// <summary>One entry of the machine's claims: a claim, or why the entry is not one.</summary>
/// <param name="Id">Where the entry is (the claim file), to delete or mark it by.</param>
/// <param name="Claim">The claim; null when the entry could not be read as one.</param>
/// <param name="Problem">Why it could not, when <paramref name="Claim"/> is null.</param>
public sealed record StoredClaim(string Id, JobClaim? Claim, string? Problem = null);
