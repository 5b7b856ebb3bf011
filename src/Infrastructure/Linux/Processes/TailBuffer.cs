using System.Text;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>The last lines of a stream, bounded in characters: a tool's error message is at the end of its output.</summary>
internal sealed class TailBuffer
{
    private readonly int _limit;
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();
    private int _length;

    public TailBuffer(int limit)
    {
        _limit = Math.Max(0, limit);
    }

    public void Add(string line)
    {
        // A single line longer than the whole budget keeps its end.
        if (line.Length > _limit)
        {
            line = line[^_limit..];
        }

        lock (_lock)
        {
            _lines.Enqueue(line);
            _length += line.Length + 1;
            while (_length > _limit && _lines.Count > 0)
            {
                _length -= _lines.Dequeue().Length + 1;
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            var builder = new StringBuilder(_length);
            foreach (var line in _lines)
            {
                builder.Append(line).Append('\n');
            }

            return builder.ToString();
        }
    }
}
