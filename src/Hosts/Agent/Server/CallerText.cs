using System.Globalization;
using System.Text;

namespace Blacksmith.Agent.Server;

/// <summary>
/// A field a caller chose (a repo name, a region, a VM id) made safe for a log line. A line break would let a caller
/// forge whole log lines, and an escape sequence would redraw an operator's terminal, so both are escaped, as is every
/// other control or formatting character (bidirectional overrides, zero-width characters, line separators); and the
/// length is capped, so one field cannot fill the log.
/// </summary>
public static class CallerText
{
    /// <summary>
    /// The most characters of a field that are shown; GitHub's <c>owner/repo</c> is at most 140. What is cut is counted,
    /// as <c>…(+N more)</c>.
    /// </summary>
    public const int MaxLength = 160;

    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var shown = text.Length > MaxLength ? text[..Cut(text)] : text;
        var safe = new StringBuilder(shown.Length + 16);
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            if (char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1]))
            {
                safe.Append(c).Append(shown[++i]);
            }
            else if (c == '\n')
            {
                safe.Append(@"\n");
            }
            else if (c == '\r')
            {
                safe.Append(@"\r");
            }
            else if (c == '\t')
            {
                safe.Append(@"\t");
            }
            else if (c == '\\')
            {
                // Escaped too, so that a caller's own "\n" cannot pass for an escaped line break.
                safe.Append(@"\\");
            }
            else if (IsUnsafe(c))
            {
                safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                safe.Append(c);
            }
        }

        if (shown.Length < text.Length)
        {
            safe.Append(CultureInfo.InvariantCulture, $"…(+{text.Length - shown.Length} more)");
        }

        return safe.ToString();
    }

    // Never between the two halves of a surrogate pair.
    private static int Cut(string text) => char.IsHighSurrogate(text[MaxLength - 1]) ? MaxLength - 1 : MaxLength;

    private static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
