namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>One file in the claims directory: its claim, or why it could not be read.</summary>
/// <param name="Path">The claim file.</param>
/// <param name="Claim">The claim; null when the file is not one.</param>
/// <param name="Problem">Why the file could not be read, when <paramref name="Claim"/> is null.</param>
public sealed record StoredClaim(string Path, JobClaim? Claim, string? Problem = null);
