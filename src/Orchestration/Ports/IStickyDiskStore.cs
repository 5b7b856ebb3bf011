namespace Blacksmith.Orchestration.Ports;

/// <summary>The sticky-disk store: Blacksmith's agent over gRPC, or the local store. Each call is one attempt.</summary>
public interface IStickyDiskStore
{
    /// <summary>Which store this is (e.g. <c>agent</c>, <c>local</c>), for the journal and the summary.</summary>
    string Kind { get; }

    /// <summary>Exposes the disk of <paramref name="cacheKey"/> as a block device.</summary>
    Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken);

    /// <summary>Sends the one decision for an exposure: commit (with the filesystem usage) or release.</summary>
    Task SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken);
}
