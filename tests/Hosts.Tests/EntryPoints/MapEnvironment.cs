using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Hosts.Tests.EntryPoints;

/// <summary>A step's environment as a dictionary, without touching the test process's own.</summary>
internal sealed class MapEnvironment(Dictionary<string, string> variables) : IEnvironmentReader
{
    public string? Read(string name) => variables.GetValueOrDefault(name);
}
