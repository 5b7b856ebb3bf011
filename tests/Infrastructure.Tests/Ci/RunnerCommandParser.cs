namespace Blacksmith.Infrastructure.Tests.Ci;

/// <summary>
/// The runner's workflow-command parser (<c>ActionCommand.TryParseV2</c> and the legacy <c>TryParse</c> in
/// actions/runner), ported to say which command, if any, the runner would run for one line of output. Its string
/// searches are culture-sensitive and, with ICU, skip U+200B; the <c>icu</c> argument reproduces that (these tests run
/// with invariant globalization, where they are ordinal).
/// </summary>
internal static class RunnerCommandParser
{
    public static readonly HashSet<string> Registered = new(StringComparer.OrdinalIgnoreCase)
    {
        "set-env", "set-output", "save-state", "add-path", "add-mask", "add-matcher", "remove-matcher", "warning",
        "error", "notice", "debug", "group", "endgroup", "echo", "stop-commands", "internal-set-repo-path",
    };

    /// <summary>The name of the command the runner would process for <paramref name="line"/>, or null.</summary>
    public static string? Command(string line, bool icu) => V2(line, icu) ?? Legacy(line, icu);

    private static string? V2(string message, bool icu)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        message = message.TrimStart();
        if (!StartsWith(message, "::", icu))
        {
            return null;
        }

        var endIndex = IndexOf(message, "::", 2, icu);
        if (endIndex < 0 || endIndex < 2)
        {
            return null;
        }

        var cmdInfo = message[2..endIndex];
        var space = cmdInfo.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? cmdInfo : cmdInfo[..space];
        return Registered.Contains(name) ? name : null;
    }

    private static string? Legacy(string message, bool icu)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        var prefixIndex = IndexOf(message, "##[", 0, icu);
        if (prefixIndex < 0)
        {
            return null;
        }

        var rbIndex = message.IndexOf(']', prefixIndex);
        var cmdIndex = prefixIndex + 3;
        if (rbIndex < 0 || rbIndex < cmdIndex)
        {
            // The runner's Substring throws here and its catch returns false.
            return null;
        }

        var cmdInfo = message[cmdIndex..rbIndex];
        var space = cmdInfo.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? cmdInfo : cmdInfo[..space];
        return Registered.Contains(name) ? name : null;
    }

    private static bool StartsWith(string text, string value, bool icu) =>
        icu ? MatchLength(text, 0, value) >= 0 : text.StartsWith(value, StringComparison.Ordinal);

    private static int IndexOf(string text, string value, int start, bool icu)
    {
        if (!icu)
        {
            return text.IndexOf(value, start, StringComparison.Ordinal);
        }

        for (var i = start; i < text.Length; i++)
        {
            if (text[i] != '\u200B' && MatchLength(text, i, value) >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    // Matches value at start with U+200B ignored in the text, as ICU collation does; -1 when it does not match.
    private static int MatchLength(string text, int start, string value)
    {
        var i = start;
        foreach (var expected in value)
        {
            while (i < text.Length && text[i] == '\u200B')
            {
                i++;
            }

            if (i >= text.Length || text[i] != expected)
            {
                return -1;
            }

            i++;
        }

        return i - start;
    }
}
