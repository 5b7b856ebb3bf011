using System.Text;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Makes text (tool output, a message quoting it) unable to act as a GitHub Actions workflow command when we print it.
/// </summary>
/// <remarks>
/// The runner reads commands from both output streams of a step, line by line, breaking lines at CR, LF or CRLF
/// (docs/processes.md, "Tool output"):
/// <list type="bullet">
/// <item>the v2 form <c>::name ...::data</c> only at the start of a line, but after trimming leading whitespace, so
/// prefixing a space would NOT neutralise it;</item>
/// <item>the legacy form <c>##[name ...]data</c> wherever it appears in the line.</item>
/// </list>
/// A ZERO WIDTH SPACE (U+200B) goes in front of such a line, and between <c>##</c> and <c>[</c>. It is not whitespace,
/// so <c>TrimStart</c> keeps it. The runner's <c>StartsWith("::")</c> and <c>IndexOf("##[")</c> are culture-sensitive,
/// and ICU ignores U+200B, so they still match; but the parser then cuts the command name at fixed offsets from the
/// match (2 after the start, 3 after <c>##</c>), which now land on the second <c>:</c> or on the <c>[</c>. No command
/// name starts with either, so the line is printed as text. The line still reads the same. Every line of a text with
/// line breaks is treated alone, since the runner splits it the same way.
/// </remarks>
public static class WorkflowCommandGuard
{
    /// <summary>The marker inserted: ZERO WIDTH SPACE.</summary>
    public const char Marker = '\u200B';

    private const string LegacyPrefix = "##[";

    /// <summary>Returns <paramref name="text"/> unchanged when it is harmless, else with the marker inserted in each line that needs it.</summary>
    public static string Neutralise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return NeutraliseLine(text);
        }

        var result = new StringBuilder(text.Length + 8);
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.AsSpan(start).IndexOfAny('\r', '\n');
            if (end < 0)
            {
                result.Append(NeutraliseLine(text[start..]));
                break;
            }

            end += start;
            result.Append(NeutraliseLine(text[start..end]));
            var breakLength = text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1;
            result.Append(text, end, breakLength);
            start = end + breakLength;
        }

        return result.ToString();
    }

    private static string NeutraliseLine(string line)
    {
        var result = line;
        if (result.Contains(LegacyPrefix, StringComparison.Ordinal))
        {
            result = result.Replace(LegacyPrefix, $"##{Marker}[", StringComparison.Ordinal);
        }

        if (result.AsSpan().TrimStart().StartsWith("::", StringComparison.Ordinal))
        {
            result = Marker + result;
        }

        return result;
    }
}
