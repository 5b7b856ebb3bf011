using System.Text.Json;

namespace Blacksmith.Replay;

/// <summary>
/// Where each value of a JSON document starts (line and column), by its JSON path, so that a problem found after
/// parsing can still name its line. <see cref="System.Text.Json.JsonDocument"/> keeps no positions.
/// </summary>
internal sealed class JsonLocations
{
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private readonly List<long> _lineStarts = [0];

    public JsonLocations(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }

        var reader = new Utf8JsonReader(utf8);
        var containers = new Stack<(string Path, bool IsArray, int Next)>();
        string? property = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = Path.Property(containers.Peek().Path, reader.GetString()!);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.Pop();
                    break;
                default:
                    var path = ValuePath(containers, property);
                    _offsets.TryAdd(path, reader.TokenStartIndex);
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        containers.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                    }

                    break;
            }
        }
    }

    /// <summary>1-based line and column of the value at <paramref name="path"/>, or of its nearest located parent.</summary>
    public (int Line, int Column) Locate(string path)
    {
        while (!_offsets.ContainsKey(path) && path.Length > 1)
        {
            path = Path.Parent(path);
        }

        var offset = _offsets.GetValueOrDefault(path);
        var line = _lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return (line + 1, (int)(offset - _lineStarts[line]) + 1);
    }

    private static string ValuePath(Stack<(string Path, bool IsArray, int Next)> containers, string? property)
    {
        if (containers.Count == 0)
        {
            return "$";
        }

        var (parent, isArray, next) = containers.Pop();
        containers.Push((parent, isArray, isArray ? next + 1 : next));
        return isArray ? Path.Index(parent, next) : property!;
    }

    /// <summary>JSON paths as the messages show them: <c>$.job[0].commit</c>, <c>$.world['stickydisk.up'][1]</c>.</summary>
    public static class Path
    {
        public static string Property(string parent, string name) =>
            name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? $"{parent}.{name}"
                : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

        public static string Index(string parent, int index) => $"{parent}[{index}]";

        public static string Parent(string path)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            // A '.' inside ['a.b'] is not a separator: cut at the bracket that opens the segment instead.
            var bracket = path.LastIndexOf("['", StringComparison.Ordinal);
            if (bracket >= 0 && path.EndsWith("']", StringComparison.Ordinal))
            {
                cut = bracket;
            }

            return cut <= 0 ? "$" : path[..cut];
        }
    }
}
