using System.Text;

namespace Blacksmith.Doubles.Buildctl;

/// <summary>
/// Go's text/tabwriter as buildctl configures it (minwidth 1, tabwidth 8, padding 1, padchar '\t'): each cell but a
/// line's last is padded with tabs to the column's width (widest cell + 1, rounded up to a multiple of 8).
/// </summary>
internal static class TabTable
{
    private const int TabWidth = 8;

    public static string Format(IReadOnlyList<string[]> rows)
    {
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Length) - 1;
        var widths = new int[Math.Max(columns, 0)];
        for (var c = 0; c < widths.Length; c++)
        {
            var widest = rows.Where(r => r.Length - 1 > c).Select(r => r[c].Length).DefaultIfEmpty(0).Max();
            widths[c] = (Math.Max(1, widest + 1) + TabWidth - 1) / TabWidth * TabWidth;
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length - 1; c++)
            {
                text.Append(row[c]).Append('\t', (widths[c] - row[c].Length + TabWidth - 1) / TabWidth);
            }

            text.Append(row[^1]).Append('\n');
        }

        return text.ToString();
    }
}
