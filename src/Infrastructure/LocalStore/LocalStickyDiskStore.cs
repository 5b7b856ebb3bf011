using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// The sticky-disk store without an agent: generations of each key kept in a data directory on this machine
/// (docs/local-store.md). Exposing clones the key's last committed generation (a reflink where the filesystem can)
/// and hands out a loop device over the clone, or, in directory mode, the clone directory's path; committing
/// publishes the clone as the key's next generation with one rename; releasing deletes it. A crash at any moment
/// leaves every committed generation intact, and <see cref="UpAsync"/> cleans up what it left.
/// </summary>
/// <remarks>
/// Safe to share between concurrent callers and between processes on one data directory. Dispose it when done: it
/// holds a lock that tells other stores this one is alive (the kernel drops it anyway if the process dies).
/// </remarks>
public sealed class LocalStickyDiskStore : IStickyDiskStore, IExposureLeases, IStoreInventory, IDisposable
{
    /// <summary><see cref="Kind"/> in loop-device mode.</summary>
    public const string LoopDeviceKind = "local";

    /// <summary><see cref="Kind"/> in directory mode: what it hands out is a directory, not a block device.</summary>
    public const string DirectoryKind = "local (directory)";

    private readonly StoreCore _core;
    private readonly ILogger _logger;
    private volatile bool _recovered;

    /// <param name="options">Where and how the generations are kept.</param>
    /// <param name="runner">Runs <c>losetup</c>, <c>blockdev</c> (through sudo when not root) and <c>cp</c>.</param>
    /// <param name="time">Stamps exposures and last use.</param>
    /// <param name="logger">The store's log, where metrics go too.</param>
    /// <param name="exposeIds">Makes each new expose id (1-64 letters, digits, '-', '_'); random by default.</param>
    public LocalStickyDiskStore(LocalStoreOptions options, ProcessRunner runner, TimeProvider time, ILogger<LocalStickyDiskStore> logger, Func<string>? exposeIds = null)
        : this(options, runner, Privilege.Current, time, logger, exposeIds, fault: null)
    {
    }

    internal LocalStickyDiskStore(
        LocalStoreOptions options,
        ProcessRunner runner,
        Privilege privilege,
        TimeProvider time,
        ILogger logger,
        Func<string>? exposeIds,
        Action<StoreStep>? fault)
    {
        _core = new StoreCore(options, runner, privilege, time, logger, exposeIds, fault);
        _logger = logger;
    }

    /// <summary><see cref="LoopDeviceKind"/> or <see cref="DirectoryKind"/>: journaled and shown, so that a job says which it used.</summary>
    public string Kind => Mode == LocalStoreMode.Directory ? DirectoryKind : LoopDeviceKind;

    /// <summary>The mode in use; before the first call, the one the store will use.</summary>
    public LocalStoreMode Mode => _core.Mode;

    public string DataDirectory => _core.DataDirectory;

    /// <summary>Opens the data directory and, the first time, cleans up after crashed or interrupted operations.</summary>
    public async Task UpAsync(CancellationToken cancellationToken)
    {
        await _core.StartAsync(create: true, "stickydisk.up", cancellationToken);
        if (!_recovered)
        {
            await _core.RecoverAsync(abandonedAfter: null, "stickydisk.up", cancellationToken);
            _recovered = true;
        }
    }

    /// <summary>
    /// Clones the key's newest generation (or makes a new blank disk of <see cref="LocalStoreOptions.DiskSizeBytes"/>)
    /// and hands it out: a loop device, or in directory mode the clone's directory.
    /// </summary>
    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) => _core.ExposeAsync(cacheKey, cancellationToken);

    /// <summary>
    /// Commit: detach, flush, and publish the clone as the key's next generation (the last committed wins). Release:
    /// detach and delete it. Repeating a settlement that already happened succeeds; one that was interrupted resumes.
    /// </summary>
    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken) => _core.SettleAsync(settlement, cancellationToken);

    /// <summary>
    /// The exposures handed out to <paramref name="holder"/> (<see cref="LocalStoreOptions.Holder"/>) and not settled.
    /// Recovery runs first, as on <see cref="UpAsync"/>: an expose interrupted before it handed anything out (its record
    /// still says exposing, its owner is gone) is undone then, its loop device detached, so what remains is what was
    /// handed out. Nothing is created where there is no store yet.
    /// </summary>
    public async Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken)
    {
        const string operation = "stickydisk.findExposures";
        if (!await _core.StartAsync(create: false, operation, cancellationToken))
        {
            return [];
        }

        if (!_recovered)
        {
            await _core.RecoverAsync(abandonedAfter: null, operation, cancellationToken);
            _recovered = true;
        }

        return await _core.FindExposuresAsync(holder, operation, cancellationToken);
    }

    /// <summary>The local store has nobody to report to: metrics go to its log at debug level.</summary>
    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        LocalStoreLog.Metric(_logger, metric.Kind, metric.Value);
        return Task.CompletedTask;
    }

    /// <summary>The exposures handed out and not settled, with their leases (<see cref="LocalStoreOptions.ExposureLease"/>).</summary>
    public Task<IReadOnlyList<ExposureLease>> ListLeasesAsync(CancellationToken cancellationToken) => _core.ListLeasesAsync(cancellationToken);

    /// <summary>Releases (never commits) an exposure still handed out as listed; false when its job settled it meanwhile.</summary>
    public Task<bool> ReleaseExpiredAsync(ExposureLease lease, CancellationToken cancellationToken) => _core.ReleaseExpiredAsync(lease, cancellationToken);

    /// <summary>
    /// The keys with a generation, their generations and the bytes allocated to them (as <c>blacksmith store ls</c> counts
    /// them), and the exposures handed out. Nothing where there is no store yet.
    /// </summary>
    public async Task<StoreInventory> TakeInventoryAsync(CancellationToken cancellationToken)
    {
        var listing = await _core.ListAsync(cancellationToken);
        var keys = listing.Keys.Where(k => k.Generations.Count > 0).ToList();
        return new StoreInventory(keys.Count, keys.Sum(k => k.Generations.Count), listing.SizeBytes, await _core.ListLeasesAsync(cancellationToken));
    }

    public void Dispose() => _core.Dispose();
}
