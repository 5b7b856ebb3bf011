using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>What a build's <c>--iidfile</c> and <c>--metadata-file</c> say (protocols §2.6, §2.7).</summary>
/// <param name="ImageId">The image id file's text, trimmed; null when there is none.</param>
/// <param name="Digest"><c>containerimage.digest</c>.</param>
/// <param name="BuildRef"><c>buildx.build.ref</c>.</param>
/// <param name="Json">The metadata file's JSON, trimmed; null when there is none or it is not a JSON object.</param>
/// <param name="Warnings"><c>buildx.build.warnings</c>, decoded.</param>
/// <param name="Problems">What could not be read, each naming the file and what was expected.</param>
public sealed record BuildMetadata(
    string? ImageId,
    string? Digest,
    string? BuildRef,
    string? Json,
    IReadOnlyList<BuildCheckWarning> Warnings,
    IReadOnlyList<string> Problems)
{
    /// <summary>No files, nothing to say.</summary>
    public static readonly BuildMetadata None = new(null, null, null, null, [], []);
}
