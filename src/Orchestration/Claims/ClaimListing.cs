namespace Blacksmith.Orchestration.Claims;

/// <summary>The machine's claims, or why none of them may be acted on.</summary>
/// <param name="Claims">Every entry found.</param>
/// <param name="Untrusted">
/// Set when the claims must not be acted on (their directory belongs to another user or others may write to it: anyone
/// could then make a later job unmount or signal what a forged claim names); <paramref name="Claims"/> is then empty.
/// </param>
public sealed record ClaimListing(IReadOnlyList<StoredClaim> Claims, string? Untrusted = null);
