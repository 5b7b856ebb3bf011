namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// <c>exposures/&lt;id&gt;.json</c>: one exposure's state, written (atomically, fsynced) before each step that changes
/// what is on disk, so that whatever a crash leaves can be found, and finished or undone (docs/local-store.md).
/// </summary>
/// <param name="ExposeId">The id handed to the job.</param>
/// <param name="Key">The cache key.</param>
/// <param name="State">Where the exposure is.</param>
/// <param name="CloneName">The clone's file or directory name under <c>clones/</c>.</param>
/// <param name="BaseGeneration">The generation it was cloned from (kept from pruning while it is copied); null for a new disk.</param>
/// <param name="Method">How the clone was made, once it was.</param>
/// <param name="Device">What was handed out: the loop device, or the clone directory.</param>
/// <param name="Created">When the exposure began.</param>
/// <param name="BootId">The kernel's boot id then: a record from another boot belongs to a job that cannot be running.</param>
/// <param name="Owner">The store instance doing the current step (<see cref="ExposureState.Exposing"/>, committing, releasing); its lock says whether it is alive.</param>
/// <param name="Pid">The process that wrote the record last, for people reading it.</param>
/// <param name="FsUsageBytes">What the job measured before unmounting, sent with the commit.</param>
internal sealed record ExposureRecord(
    string ExposeId,
    string Key,
    ExposureState State,
    string CloneName,
    long? BaseGeneration,
    CloneMethod? Method,
    string? Device,
    DateTimeOffset Created,
    string BootId,
    string? Owner,
    int Pid,
    long? FsUsageBytes)
{
    public int Version { get; init; } = 1;

    /// <summary>Who asked for the exposure (<see cref="LocalStoreOptions.Holder"/>); null when nobody said.</summary>
    public string? Holder { get; init; }

    /// <summary>
    /// When its lease runs out: the time it was handed out plus <see cref="LocalStoreOptions.ExposureLease"/>, fixed when
    /// granted. Null: no lease (the embedded store's exposures, which their job's claim settles).
    /// </summary>
    public DateTimeOffset? LeaseExpires { get; init; }
}
