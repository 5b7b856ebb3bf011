namespace Blacksmith.Infrastructure.Buildx;

/// <summary>What <c>docker buildx inspect</c> says about a builder.</summary>
public sealed record BuilderInspection(string Name, string? Driver, DateTimeOffset? LastActivity, string? Error, IReadOnlyList<BuilderNode> Nodes)
{
    /// <summary>Every node's platforms, in order, without duplicates.</summary>
    public IReadOnlyList<string> Platforms => [.. Nodes.SelectMany(n => n.Platforms).Distinct(StringComparer.Ordinal)];
}
