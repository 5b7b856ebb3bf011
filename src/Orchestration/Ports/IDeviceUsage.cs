namespace Blacksmith.Orchestration.Ports;

/// <summary>Whether anything on this host uses a device a store handed out.</summary>
public interface IDeviceUsage
{
    /// <summary>
    /// How <paramref name="device"/> is in use (mounted in any mount namespace, open by any process, held by another
    /// device), in words; null when nothing uses it. When it cannot be told, that is an answer too (a non-null reason),
    /// so that nothing is taken from under a job on a guess.
    /// </summary>
    Task<string?> FindUseAsync(string device, CancellationToken cancellationToken);
}
