namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The sticky-disk store: Blacksmith's agent over gRPC, or a local store. Each call is one attempt of one remote
/// call; waiting and retrying are the steps' business, so every attempt is journaled and replayable.
/// </summary>
public interface IStickyDiskStore
{
    /// <summary>Which store this is (e.g. <c>agent</c>, <c>local</c>), for the journal and the summary.</summary>
    string Kind { get; }

    /// <summary>Checks the store is up (the agent's <c>Up</c>); a local store answers at once.</summary>
    Task UpAsync(CancellationToken cancellationToken);

    /// <summary>Exposes the disk of <paramref name="cacheKey"/> as a block device (the agent's <c>GetStickyDisk</c>).</summary>
    Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken);

    /// <summary>
    /// Sends the one decision for an exposure (the agent's <c>CommitStickyDisk</c>): commit or release. Says what it did:
    /// a settlement of an exposure already committed, or no longer held, changes nothing and is no error.
    /// </summary>
    Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken);

    /// <summary>
    /// The exposures the store holds for <paramref name="holder"/> (the job directory of the job that asked for them), so
    /// that what a job killed between an expose and its record acquired can still be released. A store that does not
    /// record holders answers none (the agent today; docs/leftovers.md says what names such an exposure instead).
    /// </summary>
    Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken);

    /// <summary>Reports one metric (the agent's <c>ReportMetric</c>). Callers treat it as best effort.</summary>
    Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken);
}
