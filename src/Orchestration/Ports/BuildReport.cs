namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// What one build produced. A failed, timed-out, cancelled or rejected build is a report too; only a missing
/// docker/buildx (or a machine that cannot run it) is an exception.
/// </summary>
/// <param name="Result">How it ended.</param>
/// <param name="Duration">How long buildx ran (zero when it never started).</param>
public sealed record BuildReport(BuildResult Result, TimeSpan Duration)
{
    public bool Succeeded => Result == BuildResult.Succeeded;

    public bool Cancelled => Result == BuildResult.Cancelled;

    /// <summary>buildx's exit code; null when it never ran or could not be reaped.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The image id (buildx's <c>--iidfile</c>: the config digest, or the index digest for several platforms).</summary>
    public string? ImageId { get; init; }

    /// <summary>The image digest (<c>containerimage.digest</c>).</summary>
    public string? Digest { get; init; }

    /// <summary>The metadata file as buildx wrote it (JSON), for the <c>metadata</c> output; null when unavailable.</summary>
    public string? Metadata { get; init; }

    /// <summary>The build record reference <c>&lt;builder&gt;/&lt;node&gt;/&lt;ref&gt;</c> (<c>buildx.build.ref</c>).</summary>
    public string? BuildRef { get; init; }

    /// <summary>Build-check warnings, decoded.</summary>
    public IReadOnlyList<BuildCheckWarning> Warnings { get; init; } = [];

    /// <summary>
    /// Things the user should see as warnings: inputs ignored by a version gate, invalid secret entries skipped,
    /// metadata that could not be read. Never a secret value.
    /// </summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>A one-line reason for a build that did not succeed (e.g. <c>buildx failed with: ...</c>).</summary>
    public string? ErrorDetail { get; init; }
}
