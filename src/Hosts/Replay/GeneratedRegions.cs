using System.Text;
using System.Text.RegularExpressions;

namespace Blacksmith.Replay;

/// <summary>
/// The generated parts of a hand-written document: each region between <c>&lt;!-- generated: NAME --&gt;</c> and
/// <c>&lt;!-- end: NAME --&gt;</c> (each marker on a line of its own) holds exactly what a generator gives for NAME, and
/// everything outside the regions is prose the generator never touches. Markdown renders the markers as nothing.
/// </summary>
public static partial class GeneratedRegions
{
    /// <summary>
    /// <paramref name="document"/> with each region's content replaced by <paramref name="sections"/>[NAME]; an empty
    /// section leaves the region empty.
    /// </summary>
    /// <exception cref="InvalidDataException">A region has no section, a section no region, or a marker no partner.</exception>
    public static string Fill(string document, IReadOnlyDictionary<string, string> sections)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(sections);
        var text = new StringBuilder();
        var filled = new HashSet<string>(StringComparer.Ordinal);
        var at = 0;
        foreach (Match start in Start().Matches(document))
        {
            var name = start.Groups["name"].Value;
            if (start.Index < at)
            {
                throw new InvalidDataException($"the region '{name}' starts inside another one");
            }

            var endMarker = $"<!-- end: {name} -->";
            var end = document.IndexOf(endMarker, start.Index + start.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new InvalidDataException($"the region '{name}' has no '{endMarker}' line");
            }

            if (!sections.TryGetValue(name, out var content))
            {
                throw new InvalidDataException($"the region '{name}' is not one the generator makes ({string.Join(", ", sections.Keys)})");
            }

            if (!filled.Add(name))
            {
                throw new InvalidDataException($"the region '{name}' appears twice");
            }

            text.Append(document, at, start.Index + start.Length - at).Append(content);
            at = end;
        }

        var missing = sections.Keys.Where(name => !filled.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"the document has no region for {string.Join(", ", missing)}; add '<!-- generated: NAME -->' and '<!-- end: NAME -->' lines where each belongs");
        }

        return text.Append(document, at, document.Length - at).ToString();
    }

    [GeneratedRegex(@"^<!-- generated: (?<name>[a-z-]+) -->\n", RegexOptions.Multiline)]
    private static partial Regex Start();
}
