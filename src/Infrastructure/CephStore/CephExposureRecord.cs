namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// One exposure, in the omap of <c>blacksmith.exposures</c> (entry: the expose id). It is the exposure's lease: who
/// holds it (<paramref name="Agent"/>, <paramref name="Boot"/>, <paramref name="Holder"/>) and since when, and the
/// chain of images its clone was opened on, which garbage collection must keep (an open image keeps reading the
/// parents it was opened with; ceph-rbd facts §5.2).
/// </summary>
/// <param name="ExposeId">The id handed out.</param>
/// <param name="Key">The cache key.</param>
/// <param name="Image">The exposure's own image (a clone of the head, or a new blank image).</param>
/// <param name="State">Where it is.</param>
/// <param name="BaseGeneration">The generation it was cloned from; null for a new blank image.</param>
/// <param name="Chain">The images its clone depends on, parent first, as they were when it was opened.</param>
/// <param name="Agent">The agent (host) that attached it: only that host can detach it.</param>
/// <param name="Boot">That host's boot id: after a reboot nothing of the attachment is left.</param>
/// <param name="Holder">Who asked for it, when the store was told (embedded use); null for an agent's caller.</param>
/// <param name="Device">What was handed out.</param>
/// <param name="Created">When the exposure began.</param>
/// <param name="Updated">The last change of state.</param>
/// <param name="FsUsageBytes">Measured by the job before unmounting, sent with the commit.</param>
/// <param name="LeaseExpires">
/// When its lease runs out (<see cref="CephStoreOptions.ExposureLease"/> after it was handed out), kept in the cluster so
/// that any agent and <c>store ls</c> see it; null when it has none (records written before leases existed).
/// </param>
public sealed record CephExposureRecord(
    string ExposeId,
    string Key,
    string Image,
    CephExposureState State,
    long? BaseGeneration,
    IReadOnlyList<string> Chain,
    string Agent,
    string Boot,
    string? Holder,
    string? Device,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    long? FsUsageBytes,
    DateTimeOffset? LeaseExpires = null);
