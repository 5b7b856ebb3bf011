namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>One committed generation of a key.</summary>
/// <param name="Number">Its number; the key's highest is the one the next expose clones.</param>
/// <param name="ExposeId">The exposure it was committed from.</param>
/// <param name="SizeBytes">Bytes allocated to it on the data directory's filesystem (reflinked extents count in each).</param>
public sealed record LocalStoreGeneration(long Number, string ExposeId, long SizeBytes);
