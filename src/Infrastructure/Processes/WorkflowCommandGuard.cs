namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Makes a line of tool output unable to act as a GitHub Actions workflow command when we print it.
/// </summary>
/// <remarks>
/// The runner reads commands from both output streams of a step (docs/processes.md, "Tool output"):
/// <list type="bullet">
/// <item>the v2 form <c>::name ...::data</c> only at the start of a line, but after trimming leading whitespace, so
/// prefixing a space would NOT neutralise it;</item>
/// <item>the legacy form <c>##[name ...]data</c> wherever it appears in the line.</item>
/// </list>
/// A zero-width space (U+200B) is not whitespace to .NET's <c>TrimStart</c> (the runner's parser), so putting one in
/// front of the line, and between <c>##</c> and <c>[</c>, breaks both forms while the line still reads the same.
/// </remarks>
public static class WorkflowCommandGuard
{
    /// <summary>The marker inserted: ZERO WIDTH SPACE.</summary>
    public const char Marker = '\u200B';

    private const string LegacyPrefix = "##[";

    /// <summary>Returns <paramref name="line"/> unchanged when it is harmless, else with the marker inserted.</summary>
    public static string Neutralise(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
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
