using System.Text;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Turns a line a tool wrote for a terminal into the text a terminal would have shown, without the control characters
/// that drew it: progress that moves back with backspaces (mkfs's "0/160" counters) ends as the final text, ANSI escape
/// sequences (colours, cursor moves) go, and other control characters are dropped. Logs and the journal are read in
/// files and web pages, where those characters are noise or worse.
/// </summary>
public static class TerminalText
{
    private const char Escape = '\u001b';

    /// <summary>The line as a terminal would show it; the line itself when it has no control character but tabs.</summary>
    public static string Flatten(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!HasControl(line))
        {
            return line;
        }

        var shown = new StringBuilder(line.Length);
        var cursor = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\b')
            {
                cursor = Math.Max(0, cursor - 1);
            }
            else if (c == Escape)
            {
                i = EndOfEscape(line, i);
            }
            else if (c == '\t' || !char.IsControl(c))
            {
                // Written over what the cursor moved back across, as on a terminal.
                if (cursor < shown.Length)
                {
                    shown[cursor] = c;
                }
                else
                {
                    shown.Append(c);
                }

                cursor++;
            }
        }

        return shown.ToString().TrimEnd();
    }

    private static bool HasControl(string line)
    {
        foreach (var c in line)
        {
            if (c != '\t' && char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The index of the last character of the escape sequence starting at <paramref name="start"/>.</summary>
    private static int EndOfEscape(string line, int start)
    {
        if (start + 1 >= line.Length)
        {
            return start;
        }

        switch (line[start + 1])
        {
            case '[':
                // CSI: parameters and intermediates, then one final byte from @ to ~.
                for (var i = start + 2; i < line.Length; i++)
                {
                    if (line[i] is >= '@' and <= '~')
                    {
                        return i;
                    }
                }

                return line.Length - 1;
            case ']':
                // OSC (window titles, hyperlinks): up to BEL or ESC \.
                for (var i = start + 2; i < line.Length; i++)
                {
                    if (line[i] == '\a')
                    {
                        return i;
                    }

                    if (line[i] == Escape && i + 1 < line.Length && line[i + 1] == '\\')
                    {
                        return i + 1;
                    }
                }

                return line.Length - 1;
            default:
                // A two-character sequence (ESC 7, ESC =, …).
                return start + 1;
        }
    }
}
