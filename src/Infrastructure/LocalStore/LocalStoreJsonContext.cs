using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>The store's own small state files, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ExposureRecord))]
[JsonSerializable(typeof(KeyRecord))]
[JsonSerializable(typeof(StoreMarker))]
internal sealed partial class LocalStoreJsonContext : JsonSerializerContext;
