using System.Text;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// Go's text/tabwriter as buildx's inspect and ls use it (minwidth 0, tabwidth 0, padding 1, padchar ' ', no flags).
/// A cell is text ended by a tab; the text after a line's last tab is not part of any column. A column's block is a
/// run of consecutive lines that have a cell in it, and its width is the widest of those cells plus the padding, so a
/// line without tabs (a blank line, <c>Nodes:</c>) starts new blocks below it.
/// </summary>
internal sealed class GoTabWriter
{
    private const int Padding = 1;

    private readonly List<string[]> _lines = [];
    private readonly List<int> _widths = [];
    private readonly StringBuilder _output = new();

    public void Line(string text) => _lines.Add(text.Split('\t'));

    public string Flush()
    {
        _output.Clear();
        Format(0, _lines.Count);
        _lines.Clear();
        return _output.ToString();
    }

    private void Format(int line0, int line1)
    {
        var column = _widths.Count;
        for (var current = line0; current < line1; current++)
        {
            if (column >= _lines[current].Length - 1)
            {
                continue;
            }

            // A block of this column starts here: lines above it are printed with the widths known so far.
            WriteLines(line0, current);
            line0 = current;
            var width = 0;
            for (; current < line1 && column < _lines[current].Length - 1; current++)
            {
                width = Math.Max(width, Width(_lines[current][column]) + Padding);
            }

            _widths.Add(width);
            Format(line0, current);
            _widths.RemoveAt(_widths.Count - 1);
            line0 = current;
        }

        WriteLines(line0, line1);
    }

    private void WriteLines(int line0, int line1)
    {
        for (var i = line0; i < line1; i++)
        {
            var cells = _lines[i];
            for (var j = 0; j < cells.Length; j++)
            {
                _output.Append(cells[j]);
                if (j < _widths.Count && j < cells.Length - 1)
                {
                    _output.Append(' ', _widths[j] - Width(cells[j]));
                }
            }

            _output.Append('\n');
        }
    }

    private static int Width(string cell) => cell.EnumerateRunes().Count();
}
