using System.Text.RegularExpressions;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Reads <c>docker buildx version</c> as docker/actions-toolkit does: the first whitespace, an optional <c>v</c>, then a
/// 7-hex commit or a dotted number. <c>github.com/docker/buildx v0.23.0 28c90ea</c> gives <c>0.23.0</c>.
/// </summary>
public static partial class BuildxVersion
{
    /// <summary>The version, or null when the output holds none.</summary>
    public static string? Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = Pattern().Match(output);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"\sv?([0-9a-f]{7}|[0-9.]+)")]
    private static partial Regex Pattern();
}
