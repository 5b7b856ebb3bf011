using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// Renders GitHub Actions workflow commands (<c>::name k=v,k=v::data</c>) with the escaping of @actions/core's
/// <c>command.ts</c>, which the runner's <c>ActionCommand</c> undoes (protocols §1.4).
/// </summary>
public static class WorkflowCommands
{
    /// <summary>Escapes command data: <c>%</c> first, then CR and LF, so the command stays one line.</summary>
    public static string EscapeData(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value
            .Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);
    }

    /// <summary>Escapes a property value: as data, plus <c>:</c> and <c>,</c>, which delimit the property list.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace(":", "%3A", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);

    /// <summary>
    /// One command line (without the line break). Properties with an empty value are left out, as @actions/core leaves
    /// out falsy ones; keys are written as given.
    /// </summary>
    public static string Format(string command, string message, IEnumerable<KeyValuePair<string, string?>>? properties = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(message);
        var line = new StringBuilder("::").Append(command);
        var first = true;
        foreach (var (key, value) in properties ?? [])
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            line.Append(first ? ' ' : ',').Append(key).Append('=').Append(EscapeProperty(value));
            first = false;
        }

        return line.Append("::").Append(EscapeData(message)).ToString();
    }

    /// <summary>An <c>error</c>, <c>warning</c> or <c>notice</c> annotation.</summary>
    public static string Annotation(string command, string message, AnnotationProperties? properties)
    {
        if (properties is null)
        {
            return Format(command, message);
        }

        // The order of @actions/core's toCommandProperties.
        return Format(command, message,
        [
            new("title", properties.Title),
            new("file", properties.File),
            new("line", Positive(properties.Line)),
            new("endLine", Positive(properties.EndLine)),
            new("col", Positive(properties.Column)),
            new("endColumn", Positive(properties.EndColumn)),
        ]);
    }

    private static string? Positive(int? value) =>
        value is > 0 ? value.Value.ToString(CultureInfo.InvariantCulture) : null;
}
