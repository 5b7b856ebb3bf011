namespace Blacksmith.Orchestration.Ports;

/// <summary>How a reported build ended.</summary>
/// <param name="DockerBuildId">The id the control plane gave the build when it started.</param>
/// <param name="Succeeded">Whether the build succeeded.</param>
/// <param name="RuntimeSeconds">Whole seconds the build ran, when known.</param>
/// <param name="CachedStepsRatio">Cached steps over all steps, when known (successful builds only).</param>
public sealed record BuildFinishReport(string DockerBuildId, bool Succeeded, long? RuntimeSeconds, double? CachedStepsRatio);
