using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A store's exposures as leases, which a test lists and whose releases it records (or fails).</summary>
public sealed class FakeExposureLeases : IExposureLeases
{
    public List<ExposureLease> Leases { get; } = [];

    /// <summary>Expose ids whose release fails with this message.</summary>
    public Dictionary<string, string> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>Expose ids whose job settled them just before the release (it answers false).</summary>
    public HashSet<string> SettledMeanwhile { get; } = new(StringComparer.Ordinal);

    public List<string> Released { get; } = [];

    public Task<IReadOnlyList<ExposureLease>> ListLeasesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExposureLease>>([.. Leases]);

    public Task<bool> ReleaseExpiredAsync(ExposureLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (Failing.TryGetValue(lease.ExposeId, out var message))
        {
            throw new ExternalCallException("stickydisk.releaseExpired", ExternalErrorKind.Failed, message);
        }

        Leases.RemoveAll(l => l.ExposeId == lease.ExposeId);
        if (SettledMeanwhile.Contains(lease.ExposeId))
        {
            return Task.FromResult(false);
        }

        Released.Add(lease.ExposeId);
        return Task.FromResult(true);
    }
}
