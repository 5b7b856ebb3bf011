using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>The claim files, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = true)]
[JsonSerializable(typeof(JobClaim))]
internal sealed partial class JobClaimsJsonContext : JsonSerializerContext;
