using System.Globalization;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>Turns how buildx ended and what it wrote into the port's <see cref="BuildReport"/>.</summary>
internal static class BuildxReports
{
    public static BuildReport Finished(BuildInputs inputs, ProcessOutcome outcome, BuildMetadata metadata, IReadOnlyList<string> notices)
    {
        var result = outcome switch
        {
            { TimedOut: true } => BuildResult.TimedOut,
            { ExitCode: 0 } => BuildResult.Succeeded,
            _ => BuildResult.Failed,
        };
        var metadataNotices = metadata.Problems.Select(p => $"Build metadata unavailable: {p}");
        return new BuildReport(result, outcome.Duration)
        {
            ExitCode = outcome.ExitCode == ProcessRunner.NotReaped ? null : outcome.ExitCode,
            ImageId = metadata.ImageId,
            Digest = metadata.Digest,
            Metadata = metadata.Json,
            BuildRef = metadata.BuildRef,
            Warnings = metadata.Warnings,
            Notices = [.. notices, .. metadataNotices],
            ErrorDetail = result switch
            {
                BuildResult.Succeeded => null,
                BuildResult.TimedOut => string.Create(
                    CultureInfo.InvariantCulture, $"buildx did not finish within {outcome.Duration.TotalMinutes:0.#} min; its process tree was killed"),
                _ => FailureDetail(inputs, outcome),
            },
        };
    }

    public static BuildReport Cancelled(TimeSpan duration, IReadOnlyList<string> notices) =>
        new(BuildResult.Cancelled, duration) { Notices = notices, ErrorDetail = "the build was cancelled; buildx's process tree was killed" };

    public static BuildReport Rejected(string reason, IReadOnlyList<string> notices) =>
        new(BuildResult.Rejected, TimeSpan.Zero) { Notices = notices, ErrorDetail = reason };

    /// <summary>
    /// As upstream: a failed check prints its summary as the first line of standard output; anything else puts its
    /// error in the last line of standard error.
    /// </summary>
    private static string FailureDetail(BuildInputs inputs, ProcessOutcome outcome)
    {
        if (inputs.Call == "check" && outcome.StandardOutput.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) is { } summary)
        {
            return summary;
        }

        return outcome.LastErrorLine is { } line
            ? $"buildx failed with: {line}"
            : string.Create(CultureInfo.InvariantCulture, $"buildx exited with code {outcome.ExitCode}");
    }
}
