using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>The claim files, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(JobClaim))]
internal sealed partial class JobClaimsJsonContext : JsonSerializerContext;
