namespace Blacksmith.Orchestration.Ports;

/// <summary>docker buildx's builders. Each call runs the few buildx commands it needs, each with its own timeout.</summary>
public interface IBuilderRegistry
{
    /// <summary>
    /// Creates a remote-driver builder for the daemon at <paramref name="address"/> and makes it the default; returns its
    /// name and what a build needs to know about it (<see cref="BuilderFacts"/>).
    /// </summary>
    Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken);

    /// <summary>Makes a local builder without the sticky disk usable and returns its name.</summary>
    Task<string> ActivateFallbackAsync(CancellationToken cancellationToken);
}
