namespace Blacksmith.Orchestration.Ports;

/// <summary>docker buildx's view of builders.</summary>
public interface IBuilderRegistry
{
    /// <summary>Registers the daemon at <paramref name="address"/> as the default builder and returns its name.</summary>
    Task<string> RegisterAsync(string address, CancellationToken cancellationToken);

    /// <summary>Makes a local builder without the sticky disk usable and returns its name.</summary>
    Task<string> ActivateFallbackAsync(CancellationToken cancellationToken);
}
