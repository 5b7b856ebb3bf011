using System.Globalization;
using System.Text.RegularExpressions;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// The buildx version, as docker/actions-toolkit reads <c>docker buildx version</c> (protocols §2.9): the first
/// whitespace-led token that is a 7-hex commit (a dev build) or a dotted number, with an optional <c>v</c>. Anything
/// after the number (<c>-rc1</c>, <c>+azure</c>, <c>-desktop.1</c>) is ignored. A dev build satisfies every gate,
/// as upstream's <c>versionSatisfies</c> does.
/// </summary>
/// <param name="Release">The dotted version (missing components are 0); null for a dev build.</param>
/// <param name="Commit">The 7-hex commit of a dev build; null for a release.</param>
public sealed partial record BuildxVersion(Version? Release, string? Commit)
{
    private const string Operation = "buildx.version";

    /// <summary>Whether this version passes a <c>&gt;= major.minor.patch</c> gate. Dev builds always do.</summary>
    public bool IsAtLeast(int major, int minor, int patch) =>
        Release is null || Release >= new Version(major, minor, patch);

    /// <summary>Reads <c>docker buildx version</c> output, e.g. <c>github.com/docker/buildx v0.17.1 257815a</c>.</summary>
    /// <exception cref="ExternalCallException">No version in it (<see cref="ExternalErrorKind.BadReply"/>).</exception>
    public static BuildxVersion Parse(string output) =>
        TryParse(output, out var version)
            ? version
            : throw new ExternalCallException(
                Operation,
                ExternalErrorKind.BadReply,
                $"docker buildx version printed no version (expected e.g. 'github.com/docker/buildx v0.17.1 257815a'): '{output?.Trim()}'");

    /// <inheritdoc cref="Parse"/>
    public static bool TryParse(string output, out BuildxVersion version)
    {
        ArgumentNullException.ThrowIfNull(output);
        version = null!;
        var match = VersionToken().Match(output);
        if (!match.Success)
        {
            return false;
        }

        var token = match.Groups["version"].Value;
        if (CommitToken().IsMatch(token))
        {
            version = new BuildxVersion(null, token);
            return true;
        }

        if (TryParseNumber(token) is not { } release)
        {
            return false;
        }

        version = new BuildxVersion(release, null);
        return true;
    }

    /// <summary>
    /// The leading dotted number of a version string such as <c>v0.12.5</c>, <c>0.13.0-rc1</c> or
    /// <c>v0.20.0-rc2-4-gd30d8e22c.m</c> (missing components are 0); null when it does not start with one, or
    /// when the number runs into letters (a commit such as <c>3fab389</c>).
    /// </summary>
    public static Version? TryParseNumber(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = LeadingNumber().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }

        var parts = match.Groups["number"].Value.Split('.');
        var numbers = new int[3];
        for (var i = 0; i < Math.Min(parts.Length, 3); i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return new Version(numbers[0], numbers[1], numbers[2]);
    }

    public override string ToString() => Release is { } release ? release.ToString(3) : $"dev build {Commit}";

    // Upstream's pattern is /\sv?([0-9a-f]{7}|[0-9.]+)/; the dotted alternative is tightened so that a lone "." or
    // "1..2" is not taken for a version.
    [GeneratedRegex(@"\sv?(?<version>[0-9a-f]{7}|[0-9]+(?:\.[0-9]+)*)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionToken();

    [GeneratedRegex("^[0-9a-f]{7}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitToken();

    // A number running into letters ("3fab389") is a commit, not a version.
    [GeneratedRegex(@"^v?(?<number>[0-9]+(?:\.[0-9]+)*)(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingNumber();
}
