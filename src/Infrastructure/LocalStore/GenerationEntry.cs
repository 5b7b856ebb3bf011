namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>One committed generation of a key on disk.</summary>
/// <param name="Number">Its number; the highest is the key's current generation.</param>
/// <param name="ExposeId">The exposure it was committed from (which makes a repeated commit recognisable).</param>
/// <param name="Path">The image or directory.</param>
internal sealed record GenerationEntry(long Number, string ExposeId, string Path);
