namespace Blacksmith.Doubles.Docker;

/// <summary>What <see cref="FlagSet.Parse"/> found: every value of every flag given, in order, and the positionals.</summary>
internal sealed class ParsedFlags
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }

    /// <summary>A string flag: the last value given wins.</summary>
    public string? Last(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>A string-array flag: every value, in order.</summary>
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    /// <summary>A string-slice flag (pflag's StringSlice): every value, each split on commas.</summary>
    public IReadOnlyList<string> Slice(string name) =>
        [.. All(name).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    public bool IsTrue(string name) => Last(name) == "true";
}
