namespace Blacksmith.Doubles.Docker;

/// <summary>A node with what its driver says about it (buildx builder.Node after LoadNodes).</summary>
/// <param name="Node">The node as stored.</param>
/// <param name="Status">driver.Status as printed: <c>running</c>, <c>inactive</c>.</param>
/// <param name="Version">The BuildKit version, known only while the node runs.</param>
/// <param name="WorkerPlatforms">What the node's workers support (empty unless running).</param>
internal sealed record NodeInfo(Node Node, string Status, string? Version, IReadOnlyList<string> WorkerPlatforms)
{
    public bool IsRunning => Status == "running";

    /// <summary>platformutil.FormatInGroups: the platforms fixed at create time starred, then the workers' others.</summary>
    public IReadOnlyList<string> DisplayPlatforms()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var shown = new List<string>();
        foreach (var platform in (Node.Platforms ?? []).Select(p => p.ToString()))
        {
            if (seen.Add(platform))
            {
                shown.Add(platform + "*");
            }
        }

        shown.AddRange(WorkerPlatforms.Where(seen.Add));
        return shown;
    }
}
