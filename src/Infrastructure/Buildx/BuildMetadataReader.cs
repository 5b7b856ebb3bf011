using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Reads the files buildx writes for a build: the image id (<c>--iidfile</c>) and the metadata JSON
/// (<c>--metadata-file</c>), with its digest, build reference and build-check warnings, whose texts are base64 as
/// buildx stores them. Missing files are normal (a failed build, a local export); a file that is there but unreadable
/// or malformed becomes a problem in the result, never an exception, so it cannot fail a build that succeeded.
/// </summary>
public static partial class BuildMetadataReader
{
    public const string DigestKey = "containerimage.digest";
    public const string BuildRefKey = "buildx.build.ref";
    public const string WarningsKey = "buildx.build.warnings";

    /// <summary>Reads whichever of the two files exist (a null path: not asked for).</summary>
    public static BuildMetadata Read(string? imageIdFile, string? metadataFile)
    {
        var problems = new List<string>();
        var imageId = imageIdFile is null ? null : ReadText(imageIdFile, "the image id file", problems)?.Trim();
        var metadata = metadataFile is null ? BuildMetadata.None : ReadText(metadataFile, "the metadata file", problems) is { } text
            ? Parse(text, metadataFile)
            : BuildMetadata.None;
        return metadata with
        {
            ImageId = string.IsNullOrEmpty(imageId) ? null : imageId,
            Problems = [.. problems, .. metadata.Problems],
        };
    }

    /// <summary>Reads metadata JSON; <paramref name="source"/> names where it came from in problems.</summary>
    public static BuildMetadata Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var json = text.Trim();
        // buildx writes "null" when the exporter returned nothing; upstream treats it as no metadata.
        if (json == "null")
        {
            return BuildMetadata.None;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return Unusable(source, $"it is not JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unusable(source, $"it holds a JSON {Describe(root.ValueKind)}");
            }

            var problems = new List<string>();
            return new BuildMetadata(
                null,
                ReadString(root, DigestKey, source, problems),
                ReadString(root, BuildRefKey, source, problems),
                json,
                ReadWarnings(root, source, problems),
                problems);
        }
    }

    private static BuildMetadata Unusable(string source, string why) =>
        BuildMetadata.None with
        {
            Problems = [$"{source} is not usable build metadata: expected the JSON object buildx writes for --metadata-file, but {why}."],
        };

    private static string? ReadText(string path, string what, List<string> problems)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"Could not read {what} {path}: {ex.Message}");
            return null;
        }
    }

    private static string? ReadString(JsonElement root, string key, string source, List<string> problems)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() is { Length: > 0 } text ? text : null;
        }

        problems.Add($"{source}: '{key}' should be a string, but is a JSON {Describe(value.ValueKind)}; ignored.");
        return null;
    }

    private static List<BuildCheckWarning> ReadWarnings(JsonElement root, string source, List<string> problems)
    {
        var warnings = new List<BuildCheckWarning>();
        if (!root.TryGetProperty(WarningsKey, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return warnings;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{source}: '{WarningsKey}' should be an array, but is a JSON {Describe(list.ValueKind)}; ignored.");
            return warnings;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            if (ReadWarning(item) is { } warning)
            {
                warnings.Add(warning);
            }
            else
            {
                problems.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{source}: warning {index} of '{WarningsKey}' has no base64 'short' message (expected an object like buildx writes); skipped."));
            }
        }

        return warnings;
    }

    /// <summary>One warning as upstream annotates it: message without " (line N)", details joined by spaces, first line.</summary>
    private static BuildCheckWarning? ReadWarning(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || Decode(StringProperty(item, "short")) is not { Length: > 0 } text)
        {
            return null;
        }

        var message = LineSuffix().Replace(text, string.Empty);
        var rule = RulePrefix().Match(message) is { Success: true } match ? match.Groups["rule"].Value : null;
        var details = item.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Array
            ? detail.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? Decode(d.GetString()) : null).OfType<string>().ToList()
            : [];
        string? file = null;
        if (item.TryGetProperty("sourceInfo", out var sourceInfo) && sourceInfo.ValueKind == JsonValueKind.Object)
        {
            file = StringProperty(sourceInfo, "filename");
        }

        return new BuildCheckWarning(
            rule,
            message,
            details.Count > 0 ? string.Join(' ', details) : null,
            StringProperty(item, "url"),
            string.IsNullOrEmpty(file) ? null : file,
            FirstLine(item));
    }

    private static int? FirstLine(JsonElement item)
    {
        if (!item.TryGetProperty("range", out var ranges) || ranges.ValueKind != JsonValueKind.Array || ranges.GetArrayLength() == 0)
        {
            return null;
        }

        var first = ranges[0];
        return first.ValueKind == JsonValueKind.Object
            && first.TryGetProperty("start", out var start)
            && start.ValueKind == JsonValueKind.Object
            && start.TryGetProperty("line", out var line)
            && line.ValueKind == JsonValueKind.Number
            && line.TryGetInt32(out var number)
            ? number
            : null;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Decode(string? base64)
    {
        if (base64 is null)
        {
            return null;
        }

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    [GeneratedRegex(@"\s\(line \d+\)$", RegexOptions.CultureInvariant)]
    private static partial Regex LineSuffix();

    [GeneratedRegex("^(?<rule>[A-Z][A-Za-z0-9]*): ", RegexOptions.CultureInvariant)]
    private static partial Regex RulePrefix();
}
