namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// What setup learned about the builder it registered, journaled with <c>BuilderRegistered</c>, so that a build knows
/// the buildx version gates and the BuildKit features it builds with from the journal instead of asking buildx again.
/// </summary>
/// <param name="BuildxVersion">The installed buildx (<c>0.23.0</c>, or a 7-hex commit).</param>
/// <param name="Driver">The builder's driver as inspect named it (<c>remote</c> for ours).</param>
/// <param name="BuildkitVersions">Each node's BuildKit version as inspect printed it, empty where it printed none.</param>
public sealed record BuilderFacts(string BuildxVersion, string? Driver, IReadOnlyList<string> BuildkitVersions)
{
    // By value: two folds of one journal must give equal snapshots, and a list compares by reference.
    public bool Equals(BuilderFacts? other) =>
        other is not null && BuildxVersion == other.BuildxVersion && Driver == other.Driver && BuildkitVersions.SequenceEqual(other.BuildkitVersions);

    public override int GetHashCode() => HashCode.Combine(BuildxVersion, Driver, BuildkitVersions.Count);
}
