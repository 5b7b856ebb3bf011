namespace Blacksmith.Infrastructure.Buildx;

/// <summary>What the argument assembly knows besides the request.</summary>
/// <param name="Buildx">The installed buildx, for the version gates.</param>
/// <param name="Environment">The CI run (default git context, provenance builder id, switches).</param>
/// <param name="BuildkitSupportsProvenance">
/// Whether every node of the builder runs BuildKit ≥ 0.11.0, without which no default provenance is added.
/// </param>
/// <param name="FileExists">Whether a <c>secret-files</c> path exists (relative paths against the build's working directory).</param>
public sealed record BuildxBuildFacts(BuildxVersion Buildx, BuildEnvironment Environment, bool BuildkitSupportsProvenance, Func<string, bool> FileExists);
