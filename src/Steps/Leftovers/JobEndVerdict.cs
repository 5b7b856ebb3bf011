namespace Blacksmith.Steps.Leftovers;

/// <summary>Whether a claim's job is over, and what shows it (or why nothing does).</summary>
/// <param name="Over">True only on positive evidence that the job has ended.</param>
/// <param name="Why">The evidence, or what keeps the job possibly running, in words.</param>
internal sealed record JobEndVerdict(bool Over, string Why);
