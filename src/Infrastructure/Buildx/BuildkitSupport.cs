namespace Blacksmith.Infrastructure.Buildx;

/// <summary>What the builder's BuildKit can do, from <c>docker buildx inspect</c> (upstream <c>BuildKit.versionSatisfies</c>).</summary>
internal static class BuildkitSupport
{
    private static readonly Version Attestations = new(0, 11, 0);

    /// <summary>
    /// Whether every node runs BuildKit ≥ 0.11.0, which attestations need. A node without a version does not count
    /// (upstream then asks docker for the container's version; we do not); the docker driver's <c>-moby</c> suffix
    /// is required and removed, as upstream.
    /// </summary>
    public static bool SupportsProvenance(BuilderInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        return inspection.Nodes.Count > 0 && inspection.Nodes.All(node => IsAtLeast(node.BuildkitVersion, inspection.Driver == "docker"));
    }

    /// <summary>The same rule over what setup journaled of the inspection: the driver and each node's BuildKit version.</summary>
    public static bool SupportsProvenance(string? driver, IReadOnlyList<string> buildkitVersions)
    {
        ArgumentNullException.ThrowIfNull(buildkitVersions);
        return buildkitVersions.Count > 0 && buildkitVersions.All(version => IsAtLeast(version, driver == "docker"));
    }

    private static bool IsAtLeast(string? version, bool moby)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return false;
        }

        if (moby)
        {
            if (!version.EndsWith("-moby", StringComparison.Ordinal))
            {
                return false;
            }

            version = version[..^"-moby".Length];
        }

        return BuildxVersion.TryParseNumber(version) is { } number && number >= Attestations;
    }
}
