namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// A key's generations, in the omap value <c>state</c> of its object in the cluster. Only written under the key's
/// <c>update</c> lock, and with one omap write, so that readers see one state or the next, never a mix.
/// </summary>
/// <param name="Key">The cache key.</param>
/// <param name="Generations">Oldest first; the last is the head.</param>
/// <param name="LastNumber">The highest number ever given, so that numbers are never reused after a prune.</param>
/// <param name="LastUsed">The last expose or commit, for eviction.</param>
internal sealed record CephKeyState(string Key, IReadOnlyList<CephGeneration> Generations, long LastNumber, DateTimeOffset? LastUsed)
{
    public CephGeneration? Head => Generations.Count == 0 ? null : Generations[^1];
}
