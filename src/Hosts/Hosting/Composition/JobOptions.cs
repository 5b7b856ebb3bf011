using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Hosting.Composition;

/// <summary>What the real adapters of one host process need to know about the job.</summary>
public sealed record JobOptions
{
    public required HostSettings Settings { get; init; }

    public required StoreMode Store { get; init; }

    /// <summary>The local store's data directory (local mode only).</summary>
    public required string DataDirectory { get; init; }

    public required ICiRuntime Ci { get; init; }

    public required IEnvironmentReader Environment { get; init; }

    /// <summary>Platforms the registered builder declares; the host's when empty.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    public int? MaxParallelism { get; init; }

    /// <summary>The <c>buildx-version</c> input (<c>latest</c> or <c>vX.Y.Z</c>), checked against the installed buildx.</summary>
    public string? BuildxVersion { get; init; }

    /// <summary>The <c>buildkit-version</c> input, checked against the BuildKit the builder runs.</summary>
    public string? BuildkitVersion { get; init; }

    /// <summary>Variables the daemon runs with (the <c>env.*</c> driver options).</summary>
    public IReadOnlyDictionary<string, string> DaemonEnvironment { get; init; } = new Dictionary<string, string>();
}
