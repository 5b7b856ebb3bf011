using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Administration of a local store's data directory: what it holds, removing a key, and garbage collection. Safe
/// while jobs use the store: it takes the same locks and never touches an exposure a live job or store holds.
/// </summary>
public sealed class LocalStoreAdmin : IDisposable
{
    private readonly StoreCore _core;

    public LocalStoreAdmin(LocalStoreOptions options, ProcessRunner runner, TimeProvider time, ILogger<LocalStoreAdmin> logger)
        : this(options, runner, Privilege.Current, time, logger)
    {
    }

    internal LocalStoreAdmin(LocalStoreOptions options, ProcessRunner runner, Privilege privilege, TimeProvider time, ILogger logger)
    {
        _core = new StoreCore(options, runner, privilege, time, logger, newExposeId: null, fault: null);
    }

    public string DataDirectory => _core.DataDirectory;

    /// <summary>What is wrong with <paramref name="cacheKey"/> as a key of this store, with the rule; null when it is valid.</summary>
    public static string? CacheKeyProblem(string? cacheKey) =>
        CacheKeyName.Problem(cacheKey) is { } problem ? $"{problem}; {CacheKeyName.Rule}" : null;

    /// <summary>Keys with their generations, sizes and last use, and the exposures not settled yet. Creates nothing.</summary>
    public Task<LocalStoreListing> ListAsync(CancellationToken cancellationToken) => _core.ListAsync(cancellationToken);

    /// <summary>Deletes every generation of a key; false when the store has none for it.</summary>
    public Task<bool> RemoveAsync(string cacheKey, CancellationToken cancellationToken) => _core.RemoveKeyAsync(cacheKey, cancellationToken);

    /// <summary>
    /// Finishes or discards what crashed operations left, detaches loop devices and deletes clones that belong to no
    /// exposure, prunes every key to <see cref="LocalStoreOptions.GenerationsKept"/>, and evicts least recently used
    /// keys down to <see cref="LocalStoreOptions.TotalSizeCapBytes"/>. With <paramref name="abandonedAfter"/>, also
    /// discards exposures handed out longer ago than that whose device is not mounted (their jobs are presumed dead).
    /// </summary>
    public async Task<LocalStoreGcReport> CollectGarbageAsync(TimeSpan? abandonedAfter, CancellationToken cancellationToken)
    {
        if (!await _core.StartAsync(create: false, "store.gc", cancellationToken))
        {
            return new LocalStoreGcReport(0, [], 0, 0, [], 0);
        }

        return await _core.CollectGarbageAsync(abandonedAfter, cancellationToken);
    }

    public void Dispose() => _core.Dispose();
}
