namespace Blacksmith.Infrastructure.Ci;

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IEnvironmentReader
{
    public static ProcessEnvironment Instance { get; } = new();

    private ProcessEnvironment()
    {
    }

    // Names such as INPUT_NO-CACHE are legal in the environment even though a shell cannot expand them.
    public string? Read(string name) => Environment.GetEnvironmentVariable(name);
}
