namespace Blacksmith.Infrastructure.Ci;

/// <summary>Reads the process environment; the one place the CI runtimes see it, so tests can give their own.</summary>
public interface IEnvironmentReader
{
    /// <summary>The variable's value, or null when it is not set.</summary>
    string? Read(string name);
}
