namespace Blacksmith.Infrastructure.Tests.Ci;

/// <summary>
/// The runner's reading of GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV (<c>EnvFileKeyValuePairs</c> in
/// actions/runner's FileCommandManager.cs, Linux build: lines end at LF only), ported so tests check what the runner
/// would read rather than what we think we wrote.
/// </summary>
internal static class RunnerEnvironmentFile
{
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var index = 0;
        var line = ReadLine(text, ref index, out _);
        while (line is not null)
        {
            if (line.Length > 0)
            {
                var equalsIndex = line.IndexOf('=', StringComparison.Ordinal);
                var heredocIndex = line.IndexOf("<<", StringComparison.Ordinal);
                if (equalsIndex >= 0 && (heredocIndex < 0 || equalsIndex < heredocIndex))
                {
                    var split = line.Split('=', 2);
                    pairs.Add(new(split[0], split[1]));
                }
                else if (heredocIndex >= 0 && (equalsIndex < 0 || heredocIndex < equalsIndex))
                {
                    var split = line.Split("<<", 2);
                    if (split[0].Length == 0 || split[1].Length == 0)
                    {
                        throw new FormatException($"Invalid format '{line}'. Name must not be empty and delimiter must not be empty");
                    }

                    var delimiter = split[1];
                    var startIndex = index;
                    var endIndex = index;
                    var tempLine = ReadLine(text, ref index, out var newline);
                    while (!string.Equals(tempLine, delimiter, StringComparison.Ordinal))
                    {
                        if (tempLine is null)
                        {
                            throw new FormatException($"Invalid value. Matching delimiter not found '{delimiter}'");
                        }

                        if (newline is null)
                        {
                            throw new FormatException("Invalid value. EOF marker missing new line.");
                        }

                        endIndex = index - newline.Length;
                        tempLine = ReadLine(text, ref index, out newline);
                    }

                    pairs.Add(new(split[0], endIndex > startIndex ? text[startIndex..endIndex] : string.Empty));
                }
                else
                {
                    throw new FormatException($"Invalid format '{line}'");
                }
            }

            line = ReadLine(text, ref index, out _);
        }

        return pairs;
    }

    private static string? ReadLine(string text, ref int index, out string? newline)
    {
        if (index >= text.Length)
        {
            newline = null;
            return null;
        }

        var start = index;
        var lf = text.IndexOf('\n', index);
        if (lf < 0)
        {
            index = text.Length;
            newline = null;
            return text[start..];
        }

        index = lf + 1;
        newline = "\n";
        return text[start..lf];
    }
}
