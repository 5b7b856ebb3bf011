using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>A TOML file read back with the same library, to check what buildkitd will see.</summary>
public sealed class TomlDocument
{
    private TomlDocument(TomlTable table)
    {
        Table = table;
    }

    public TomlTable Table { get; }

    public static TomlDocument Parse(string text) => new(TomlSerializer.Deserialize(text, TestTomlContext.Default.TomlTable)!);

    /// <summary>The value at the dotted path of table names ending in a key; null when any part is missing.</summary>
    public object? Get(params string[] path)
    {
        object? current = Table;
        foreach (var part in path)
        {
            if (current is not TomlTable table || !table.TryGetValue(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    public IReadOnlyList<string> Strings(params string[] path) =>
        Get(path) is TomlArray array ? [.. array.OfType<string>()] : [];

    public bool Has(params string[] path) => Get(path) is not null;
}

[TomlSerializable(typeof(TomlTable))]
internal sealed partial class TestTomlContext : TomlSerializerContext;
