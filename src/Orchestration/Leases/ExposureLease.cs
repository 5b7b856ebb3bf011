namespace Blacksmith.Orchestration.Leases;

/// <summary>
/// An exposure a store has handed out and nobody has settled yet, with its lease: how long the store lets it stay
/// unsettled before it may take it back. Any store can describe its exposures this way (the local store's records, a
/// Ceph store's images), so that what is expired and what may be released is decided once (<see cref="LeasePolicy"/>).
/// </summary>
/// <param name="ExposeId">The exposure.</param>
/// <param name="CacheKey">Its key.</param>
/// <param name="Device">What was handed out to be mounted: a block device (<c>/dev/loop3</c>) or, in a directory store, a directory.</param>
/// <param name="GrantedAt">When it was handed out.</param>
/// <param name="ExpiresAt">When its lease runs out; null when it has none (an exposure made without a lease, which only its job or an administrator settles).</param>
public sealed record ExposureLease(string ExposeId, string CacheKey, string Device, DateTimeOffset GrantedAt, DateTimeOffset? ExpiresAt);
