namespace Blacksmith.Orchestration.Leases;

/// <summary>Where an exposure stands with its lease.</summary>
public enum LeaseStanding
{
    /// <summary>It has no lease: it is never taken back on time alone.</summary>
    Unleased,

    /// <summary>Its lease has not run out.</summary>
    Held,

    /// <summary>Its lease has run out, but its device is mounted or open: kept, since a job may still be writing to it.</summary>
    ExpiredInUse,

    /// <summary>Its lease has run out and nothing uses its device: it may be released (never committed).</summary>
    Expired,
}
