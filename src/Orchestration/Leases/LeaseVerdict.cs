namespace Blacksmith.Orchestration.Leases;

/// <summary>What <see cref="LeasePolicy"/> says about one exposure.</summary>
/// <param name="Standing">Where it stands.</param>
/// <param name="Use">How its device is in use, for <see cref="LeaseStanding.ExpiredInUse"/>; null otherwise.</param>
public sealed record LeaseVerdict(LeaseStanding Standing, string? Use = null)
{
    /// <summary>Whether the exposure may be released now. Nothing a lease decides is ever committed.</summary>
    public bool MayRelease => Standing == LeaseStanding.Expired;
}
