namespace Blacksmith.Orchestration.Leases;

/// <summary>
/// The one place that decides what a lease allows, for every store. An exposure is taken back only when its lease has
/// run out <em>and</em> nothing on the host uses its device: a job that outlives its lease keeps its disk for as long as
/// it has it mounted or open. What is taken back is released, never committed: nobody decided its contents are good.
/// </summary>
internal static class LeasePolicy
{
    /// <summary>Whether the lease of <paramref name="lease"/> has run out at <paramref name="now"/>; one without a lease never does.</summary>
    public static bool IsExpired(ExposureLease lease, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return lease.ExpiresAt is { } expires && now >= expires;
    }

    /// <summary>Judges <paramref name="lease"/> at <paramref name="now"/>.</summary>
    /// <param name="lease">The exposure.</param>
    /// <param name="now">The time now.</param>
    /// <param name="use">
    /// How its device is in use on the host (mounted, open, held), null when nothing uses it. Looked up only for an
    /// expired lease, and ignored otherwise. A store that cannot tell must say so here, which keeps the exposure.
    /// </param>
    public static LeaseVerdict Judge(ExposureLease lease, DateTimeOffset now, string? use)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.ExpiresAt is null)
        {
            return new LeaseVerdict(LeaseStanding.Unleased);
        }

        if (!IsExpired(lease, now))
        {
            return new LeaseVerdict(LeaseStanding.Held);
        }

        return use is null ? new LeaseVerdict(LeaseStanding.Expired) : new LeaseVerdict(LeaseStanding.ExpiredInUse, use);
    }
}
