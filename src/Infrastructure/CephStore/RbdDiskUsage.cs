using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary><c>rbd du --format json</c>: what each image and snapshot uses.</summary>
internal sealed record RbdDiskUsage([property: JsonPropertyName("images")] IReadOnlyList<RbdImageUsage>? Images);
