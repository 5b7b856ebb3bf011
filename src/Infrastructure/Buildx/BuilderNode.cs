namespace Blacksmith.Infrastructure.Buildx;

/// <summary>One node of a buildx builder.</summary>
public sealed record BuilderNode(
    string Name,
    string? Endpoint,
    string? Status,
    string? BuildkitdFlags,
    string? BuildkitVersion,
    IReadOnlyDictionary<string, string> DriverOptions,
    IReadOnlyList<string> Platforms,
    IReadOnlyDictionary<string, bool> Features,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<GcPolicyRule> GcPolicy);
