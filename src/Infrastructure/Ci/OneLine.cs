using System.Buffers;
using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// Makes text one line of a plain CI log. A message that quotes a value (a tool's error, the tail of a log, an input)
/// must not break its line: the next line would read as a line of its own, another warning, a GitLab section marker, and
/// a control character (ESC) could recolour or erase what the log shows. Line breaks show as <c>\n</c> (a lone CR as
/// <c>\r</c>) and every other control character as <c>\u001B</c> and the like; tabs and everything else are kept.
/// </summary>
public static class OneLine
{
    // Printable ASCII and tab: the common case, passed through without a copy.
    private static readonly SearchValues<char> Safe = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyExcept(Safe))
        {
            return text;
        }

        var line = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    line.Append("\\n");
                    i++;
                    break;
                case '\r':
                    line.Append("\\r");
                    break;
                case '\n':
                    line.Append("\\n");
                    break;
                case '\t':
                    line.Append(c);
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029')
                    {
                        line.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        line.Append(c);
                    }

                    break;
            }
        }

        return line.ToString();
    }
}
