using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Infrastructure.Tests.Ci;

/// <summary>An environment made of a dictionary: what a step process would see, without touching our own.</summary>
internal sealed class DictionaryEnvironment : IEnvironmentReader
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public DictionaryEnvironment(params (string Name, string Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _variables[name] = value;
        }
    }

    public string this[string name]
    {
        set => _variables[name] = value;
    }

    public string? Read(string name) => _variables.GetValueOrDefault(name);
}
