namespace Blacksmith.Infrastructure.CephStore;

/// <summary>One committed generation of a key: the snapshot <c>gen</c> of <paramref name="Image"/>.</summary>
/// <param name="Number">1, 2, …: the order in which commits took the key's lock; the highest is the head.</param>
/// <param name="Image">The exposure's image, whose snapshot holds the generation.</param>
/// <param name="ExposeId">The exposure committed: a repeated commit finds it here and succeeds.</param>
/// <param name="Chain">The images the generation's data still depends on, parent first (empty once flattened).</param>
/// <param name="Committed">When it was published.</param>
/// <param name="Agent">The agent that committed it.</param>
/// <param name="FsUsageBytes">What the job measured before unmounting; null when not measured.</param>
internal sealed record CephGeneration(
    long Number,
    string Image,
    string ExposeId,
    IReadOnlyList<string> Chain,
    DateTimeOffset Committed,
    string Agent,
    long? FsUsageBytes);
