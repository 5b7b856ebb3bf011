using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.ControlPlane;

/// <summary>The control plane's JSON bodies: snake_case keys, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BuildStartBody))]
[JsonSerializable(typeof(BuildStartReply))]
[JsonSerializable(typeof(BuildFinishBody))]
[JsonSerializable(typeof(FailureBody))]
internal sealed partial class ControlPlaneJsonContext : JsonSerializerContext;

internal sealed record BuildStartBody(string DockerfilePath, string RepoName, string Region, string Arch, string GitSha, string VmId, string GitBranch);

internal sealed record BuildStartReply(string? DockerBuildId);

// runtime_seconds is a string on the wire.
internal sealed record BuildFinishBody(string DockerBuildId, string Conclusion, string? RuntimeSeconds, double? CachedStepsRatio);

internal sealed record FailureBody(string StickydiskKey, string RepoName, string Region, string Arch, string VmId, string Petname, string Type, string Message);
