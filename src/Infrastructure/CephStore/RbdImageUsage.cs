using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>One line of <c>rbd du</c>: an image, or one of its snapshots.</summary>
internal sealed record RbdImageUsage(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("snapshot")] string? Snapshot,
    [property: JsonPropertyName("used_size")] long UsedSize);
