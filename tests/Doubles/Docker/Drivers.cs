using System.Runtime.InteropServices;

namespace Blacksmith.Doubles.Docker;

/// <summary>What each driver the double knows says about a node: docker, remote and docker-container.</summary>
internal static class Drivers
{
    public const string Docker = "docker";
    public const string Remote = "remote";
    public const string DockerContainer = "docker-container";

    /// <summary>The BuildKit of the docker engine (driver docker).</summary>
    public const string EngineBuildkitVersion = "v0.22.0";

    /// <summary>What a remote buildkitd (the buildkitd double) or a booted buildkit container reports.</summary>
    public const string BuildkitVersion = "v0.23.2";

    /// <summary>The same list the buildkitd double's worker reports.</summary>
    public static readonly IReadOnlyList<string> HostPlatforms = RuntimeInformation.OSArchitecture == Architecture.Arm64
        ? ["linux/arm64", "linux/arm/v7", "linux/arm/v6"]
        : ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/386"];

    public static bool Exists(string driver) => driver is Remote or DockerContainer;

    public static async Task<IReadOnlyList<NodeInfo>> LoadNodesAsync(Builder builder, BuildxStore store, CancellationToken cancellationToken)
    {
        var nodes = new List<NodeInfo>();
        foreach (var node in builder.Group.Nodes)
        {
            nodes.Add(builder.Driver switch
            {
                Docker => new NodeInfo(node, "running", EngineBuildkitVersion, HostPlatforms),
                Remote => await RemoteAsync(node, cancellationToken),
                _ => store.IsBooted(builder.Name)
                    ? new NodeInfo(node, "running", BuildkitVersion, HostPlatforms)
                    : new NodeInfo(node, "inactive", null, []),
            });
        }

        return nodes;
    }

    /// <summary>The remote driver's Info: running when the daemon answers a worker listing, inactive otherwise.</summary>
    private static async Task<NodeInfo> RemoteAsync(Node node, CancellationToken cancellationToken)
    {
        var (platforms, _) = await RemoteDaemon.WorkersAsync(node.Endpoint, cancellationToken);
        return platforms is null
            ? new NodeInfo(node, "inactive", null, [])
            : new NodeInfo(node, "running", BuildkitVersion, platforms);
    }
}
