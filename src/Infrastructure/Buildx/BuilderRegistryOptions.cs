namespace Blacksmith.Infrastructure.Buildx;

/// <summary>How this host runs <c>docker buildx</c> to register builders and fall back on one.</summary>
public sealed class BuilderRegistryOptions
{
    /// <summary>setup-docker-builder's fallback builder: <c>docker buildx create --name local --driver docker-container</c>.</summary>
    public const string DefaultFallbackBuilderName = "local";

    /// <summary>docker (a path, or a name looked up on <see cref="SearchPath"/>).</summary>
    public string DockerPath { get; set; } = "docker";

    /// <summary>The PATH docker is found on; this process's PATH when null.</summary>
    public string? SearchPath { get; set; }

    /// <summary>
    /// The platforms the registered builder declares (the action's <c>platforms</c> input); the host's architecture
    /// (<see cref="HostPlatform.Current"/>) when empty.
    /// </summary>
    public IReadOnlyList<string> Platforms { get; set; } = [];

    /// <summary>
    /// A Docker Hub mirror (agent mode), e.g. <c>http://192.168.127.1:5000</c>: the fallback builder's buildkitd gets a
    /// config that pulls through it. No config when null.
    /// </summary>
    public string? RegistryMirror { get; set; }

    /// <summary>The docker-container builder created when no usable builder is current.</summary>
    public string FallbackBuilderName { get; set; } = DefaultFallbackBuilderName;

    /// <summary>Where the fallback's buildkitd config is written for the moment <c>create</c> reads it; the system temp directory when null.</summary>
    public string? ScratchDirectory { get; set; }

    /// <summary>
    /// Variables set for every docker call, on top of this process's environment (which already carries the runner's
    /// DOCKER_CONFIG, BUILDX_CONFIG and DOCKER_HOST, honoured as they are).
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// The buildx release the job asked for (<c>vX.Y.Z</c>; null or <c>latest</c>: any). buildx is not downloaded:
    /// when the installed one differs, a warning says which one is used.
    /// </summary>
    public string? RequestedBuildxVersion { get; set; }

    /// <summary>
    /// The BuildKit release the job asked for (<c>vX.Y.Z</c>; null or <c>latest</c>: any). Checked against the version
    /// the registered builder's node reports; a difference is a warning, as nothing is installed.
    /// </summary>
    public string? RequestedBuildkitVersion { get; set; }

    /// <summary><c>version</c>, <c>create</c>, <c>use</c>, <c>inspect</c> and <c>rm</c> may each take this long.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Booting the fallback builder (pulling and starting a BuildKit container) may take this long.</summary>
    public TimeSpan BootstrapTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
