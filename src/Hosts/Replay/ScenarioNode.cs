using System.Globalization;
using System.Text.Json;

namespace Blacksmith.Replay;

/// <summary>A value of a scenario document with its JSON path: typed reads that fail with the file, line and path.</summary>
internal readonly record struct ScenarioNode(JsonElement Element, string Path, string Source, JsonLocations Locations)
{
    public ScenarioFormatException Fail(string problem, Exception? inner = null)
    {
        var (line, column) = Locations.Locate(Path);
        return new ScenarioFormatException(Source, Path, line, column, problem, inner);
    }

    /// <summary>This value as an object that has only the properties listed.</summary>
    public ScenarioNode Object(params string[] allowed)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"expected an object, got {Describe()}");
        }

        foreach (var property in Element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Child(property.Name).Fail($"unknown property '{property.Name}' (expected one of: {string.Join(", ", allowed)})");
            }
        }

        return this;
    }

    public ScenarioNode? Optional(string name) =>
        Element.TryGetProperty(name, out var value) ? Child(name) with { Element = value } : null;

    public ScenarioNode Required(string name) =>
        Optional(name) ?? throw Fail($"missing required property '{name}'");

    public bool Has(string name) => Element.TryGetProperty(name, out _);

    public IEnumerable<ScenarioNode> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"expected an array, got {Describe()}");
        }

        var self = this;
        return Element.EnumerateArray().Select((item, i) => self with { Element = item, Path = JsonLocations.Path.Index(self.Path, i) });
    }

    public IEnumerable<(string Name, ScenarioNode Value)> Properties()
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"expected an object, got {Describe()}");
        }

        var self = this;
        return Element.EnumerateObject().Select(p => (p.Name, self.Child(p.Name) with { Element = p.Value }));
    }

    public string String() =>
        Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Fail($"expected a string, got {Describe()}");

    public string NonEmptyString() =>
        String() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text : throw Fail("expected a non-empty string");

    public bool Bool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Fail($"expected true or false, got {Describe()}"),
    };

    public long Integer(long minimum)
    {
        if (Element.ValueKind != JsonValueKind.Number || !Element.TryGetInt64(out var value))
        {
            throw Fail($"expected a whole number, got {Describe()}");
        }

        return value >= minimum ? value : throw Fail(string.Create(CultureInfo.InvariantCulture, $"expected at least {minimum}, got {value}"));
    }

    public double Number(double exclusiveMinimum)
    {
        if (Element.ValueKind != JsonValueKind.Number)
        {
            throw Fail($"expected a number, got {Describe()}");
        }

        var value = Element.GetDouble();
        return value > exclusiveMinimum ? value : throw Fail(string.Create(CultureInfo.InvariantCulture, $"expected more than {exclusiveMinimum}, got {value}"));
    }

    /// <summary>One of <paramref name="names"/> (exact spelling).</summary>
    public T OneOf<T>(IReadOnlyDictionary<string, T> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var text = String();
        return names.TryGetValue(text, out var value)
            ? value
            : throw Fail($"'{text}' is not one of: {string.Join(", ", names.Keys)}");
    }

    /// <summary>An enum value by its exact name, as the journal writes it (e.g. <c>BuildFailed</c>).</summary>
    public T Named<T>()
        where T : struct, Enum => OneOf(Enum.GetValues<T>().ToDictionary(v => v.ToString(), v => v, StringComparer.Ordinal));

    private ScenarioNode Child(string name) => this with { Path = JsonLocations.Path.Property(Path, name) };

    private string Describe() => Element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"\"{Element.GetString()}\"",
        JsonValueKind.Null => "null",
        _ => Element.GetRawText(),
    };
}
