using System.Text.Json.Serialization;
using Tomlyn;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>
/// The buildkitd.toml we write (keys as in BuildKit's docs/buildkitd.toml.md; docs/processes.md lists each choice).
/// Only what we set is written: everything else keeps BuildKit's default.
/// </summary>
internal sealed class BuildkitdConfig
{
    [JsonPropertyName("root")]
    public required string Root { get; init; }

    [JsonPropertyName("debug")]
    public bool Debug { get; init; }

    [JsonPropertyName("grpc")]
    public required GrpcSection Grpc { get; init; }

    /// <summary>Only in agent mode, where a registry mirror is given.</summary>
    [JsonPropertyName("registry")]
    public Dictionary<string, RegistrySection>? Registry { get; init; }

    [JsonPropertyName("worker")]
    public required WorkerSection Worker { get; init; }

    /// <param name="root">The BuildKit root.</param>
    /// <param name="address">The one address the daemon listens on.</param>
    /// <param name="options">The adapter's options (mirror, parallelism, GC).</param>
    /// <param name="socketOwner">
    /// Who may connect to a <c>unix://</c> socket besides root: buildkitd makes it 0660, owned by <c>[grpc] uid/gid</c>
    /// (its own user by default). A host that is not root runs the daemon through sudo and must still reach it with
    /// buildctl and buildx, so it passes its own ids. Null leaves BuildKit's default.
    /// </param>
    public static BuildkitdConfig Create(string root, string address, BuildkitOptions options, (uint Uid, uint Gid)? socketOwner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new BuildkitdConfig
        {
            Root = root,
            Debug = false,
            Grpc = new GrpcSection { Address = [address], Uid = socketOwner?.Uid, Gid = socketOwner?.Gid },
            Registry = options.RegistryMirror is { Length: > 0 } mirror ? MirrorRegistries(mirror) : null,
            Worker = new WorkerSection
            {
                Oci = new OciWorkerSection
                {
                    Enabled = true,
                    Gc = true,
                    MaxParallelism = options.MaxParallelism ?? Environment.ProcessorCount,
                    Snapshotter = "overlayfs",
                    GcPolicy = [new GcPolicyRule { KeepDuration = options.GcKeepDuration }],
                },
                Containerd = new ContainerdWorkerSection { Enabled = false },
            },
        };
    }

    public string ToToml() => TomlSerializer.Serialize(this, BuildkitTomlContext.Default.BuildkitdConfig);

    /// <summary>
    /// Docker Hub pulls go to the mirror first. BuildKit uses only the host and path of a mirror entry (the scheme is
    /// ignored), so plain HTTP to an http:// mirror is switched on in the mirror host's own section; docker.io itself
    /// keeps HTTPS.
    /// </summary>
    internal static Dictionary<string, RegistrySection> MirrorRegistries(string mirror)
    {
        var registries = new Dictionary<string, RegistrySection>(StringComparer.Ordinal)
        {
            ["docker.io"] = new RegistrySection { Mirrors = [mirror] },
        };
        if (Uri.TryCreate(mirror, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp)
        {
            registries[uri.Authority] = new RegistrySection { Http = true, Insecure = true };
        }

        return registries;
    }

    internal sealed class GrpcSection
    {
        [JsonPropertyName("address")]
        public required List<string> Address { get; init; }

        [JsonPropertyName("uid")]
        public uint? Uid { get; init; }

        [JsonPropertyName("gid")]
        public uint? Gid { get; init; }
    }

    internal sealed class RegistrySection
    {
        [JsonPropertyName("mirrors")]
        public List<string>? Mirrors { get; init; }

        [JsonPropertyName("http")]
        public bool? Http { get; init; }

        [JsonPropertyName("insecure")]
        public bool? Insecure { get; init; }
    }

    internal sealed class WorkerSection
    {
        [JsonPropertyName("oci")]
        public required OciWorkerSection Oci { get; init; }

        [JsonPropertyName("containerd")]
        public required ContainerdWorkerSection Containerd { get; init; }
    }

    internal sealed class OciWorkerSection
    {
        [JsonPropertyName("enabled")]
        public bool Enabled { get; init; }

        [JsonPropertyName("gc")]
        public bool Gc { get; init; }

        [JsonPropertyName("max-parallelism")]
        public int MaxParallelism { get; init; }

        [JsonPropertyName("snapshotter")]
        public required string Snapshotter { get; init; }

        [JsonPropertyName("gcpolicy")]
        public required List<GcPolicyRule> GcPolicy { get; init; }
    }

    internal sealed class GcPolicyRule
    {
        /// <summary>A Go duration, e.g. <c>192h</c>: cache records unused for longer are collected.</summary>
        [JsonPropertyName("keepDuration")]
        public required string KeepDuration { get; init; }
    }

    internal sealed class ContainerdWorkerSection
    {
        [JsonPropertyName("enabled")]
        public bool Enabled { get; init; }
    }
}
