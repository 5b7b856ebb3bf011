using Blacksmith.Orchestration.Leases;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// A store's exposures as leases (<see cref="ExposureLease"/>), for whoever serves the store to runners and takes back
/// what nobody settles (<c>blacksmith-agent</c>). The store says what it handed out and releases on request;
/// <see cref="LeasePolicy"/> decides what may be released.
/// </summary>
public interface IExposureLeases
{
    /// <summary>The exposures handed out and not settled (none in the middle of an expose, commit or release).</summary>
    Task<IReadOnlyList<ExposureLease>> ListLeasesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Releases <paramref name="lease"/>'s exposure unchanged: never a commit. False when it is no longer handed out
    /// (its job settled it meanwhile, or is settling it right now), in which case nothing is done.
    /// </summary>
    Task<bool> ReleaseExpiredAsync(ExposureLease lease, CancellationToken cancellationToken);
}
