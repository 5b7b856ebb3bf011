namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// Reads a <c>GITHUB_OUTPUT</c>, <c>GITHUB_STATE</c> or <c>GITHUB_ENV</c> file as the runner's
/// <c>EnvFileKeyValuePairs</c> does (protocols §1.2): <c>NAME=VALUE</c> or <c>NAME&lt;&lt;DELIM</c> heredocs, LF only,
/// the last value of a name wins. A malformed file throws, as it fails the step on the runner.
/// </summary>
internal static class EnvFile
{
    public static IReadOnlyDictionary<string, string> Read(string path, StringComparer comparer)
    {
        var values = new Dictionary<string, string>(comparer);
        if (!File.Exists(path))
        {
            return values;
        }

        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (equals >= 0 && (heredoc < 0 || equals < heredoc))
            {
                values[line[..equals]] = line[(equals + 1)..];
                continue;
            }

            if (heredoc <= 0 || heredoc + 2 >= line.Length)
            {
                throw new FormatException($"Invalid format '{line}' in {path}");
            }

            var name = line[..heredoc];
            var delimiter = line[(heredoc + 2)..];
            var body = new List<string>();
            var closed = false;
            for (i++; i < lines.Length; i++)
            {
                if (lines[i] == delimiter)
                {
                    closed = true;
                    break;
                }

                body.Add(lines[i]);
            }

            if (!closed)
            {
                throw new FormatException($"Invalid value. Matching delimiter not found '{delimiter}' in {path}");
            }

            values[name] = string.Join('\n', body);
        }

        return values;
    }
}
