namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>Reads the annotations out of a step's output as the runner does (protocols §1.4, <c>ActionCommand.TryParseV2</c>).</summary>
internal static class WorkflowCommands
{
    private static readonly string[] AnnotationKinds = ["error", "warning", "notice"];

    public static Annotation? ParseAnnotation(string line)
    {
        var text = line.TrimStart();
        if (!text.StartsWith("::", StringComparison.Ordinal))
        {
            return null;
        }

        var end = text.IndexOf("::", 2, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var header = text[2..end];
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? header : header[..space]).ToLowerInvariant();
        if (!AnnotationKinds.Contains(command))
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space >= 0)
        {
            foreach (var piece in header[(space + 1)..].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = piece.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && equals < piece.Length - 1)
                {
                    properties[piece[..equals]] = UnescapeProperty(piece[(equals + 1)..]);
                }
            }
        }

        return new Annotation(command, UnescapeData(text[(end + 2)..].TrimEnd('\r')), properties);
    }

    // The runner unescapes %25 last, so an escaped "%0A" written as "%250A" survives as text.
    private static string UnescapeData(string value) =>
        value.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);

    private static string UnescapeProperty(string value) =>
        value.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
            .Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal)
            .Replace("%25", "%", StringComparison.Ordinal);
}
