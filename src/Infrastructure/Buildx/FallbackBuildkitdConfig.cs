using System.Text.Json.Serialization;
using Blacksmith.Infrastructure.Buildkit;
using Tomlyn;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// The buildkitd config a fallback builder gets in agent mode: only the Docker Hub mirror, written as for our own
/// buildkitd (docs/processes.md). Everything else keeps what buildx gives a docker-container builder.
/// </summary>
internal sealed class FallbackBuildkitdConfig
{
    [JsonPropertyName("registry")]
    public required Dictionary<string, BuildkitdConfig.RegistrySection> Registry { get; init; }

    public static FallbackBuildkitdConfig ForMirror(string mirror) => new() { Registry = BuildkitdConfig.MirrorRegistries(mirror) };

    public string ToToml() => TomlSerializer.Serialize(this, BuildxTomlContext.Default.FallbackBuildkitdConfig);
}
