using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>What <c>blacksmith store ls</c> and <c>store rm</c> need.</summary>
internal sealed partial class StoreCore
{
    public async Task<LocalStoreListing> ListAsync(CancellationToken cancellationToken)
    {
        if (!await StartAsync(create: false, "store.ls", cancellationToken))
        {
            return new LocalStoreListing(DataDirectory, false, LocalStoreMode.Auto, [], [], _options.TotalSizeCapBytes);
        }

        var records = ReadRecords();
        var keys = KeyDirectories()
            .Select(k =>
            {
                var record = ReadKeyRecord(k.Encoded);
                var generations = Generations(k.Encoded)
                    .Select(g => new LocalStoreGeneration(g.Number, g.ExposeId, FileTree.AllocatedBytes(g.Path)))
                    .ToList();
                return new LocalStoreKeyInfo(
                    k.Key, generations, record?.LastUsed, record?.LastCommitted, record?.FsUsageBytes, records.Count(r => r.Key == k.Key));
            })
            .OrderBy(k => k.Key, StringComparer.Ordinal)
            .ToList();
        var exposures = records
            .OrderBy(r => r.Created)
            .Select(r => new LocalStoreExposureInfo(r.ExposeId, r.Key, r.State, r.Device, r.Method, r.BaseGeneration, r.Created, r.Pid, r.LeaseExpires))
            .ToList();
        return new LocalStoreListing(DataDirectory, true, Mode, keys, exposures, _options.TotalSizeCapBytes);
    }

    /// <summary>
    /// Deletes every generation of <paramref name="cacheKey"/>; false when it has none. Exposures already handed out
    /// keep their clones (a later commit of one starts the key again); an expose still copying a generation of the key
    /// makes this wait for another try.
    /// </summary>
    public async Task<bool> RemoveKeyAsync(string cacheKey, CancellationToken cancellationToken)
    {
        const string operation = "store.rm";
        var encoded = CacheKeyName.Encode(cacheKey, operation);
        if (!await StartAsync(create: false, operation, cancellationToken))
        {
            return false;
        }

        string? trash;
        using (await LockAsync(operation, cancellationToken))
        {
            if (ReadRecords().Any(r => r.Key == cacheKey && r.State == ExposureState.Exposing))
            {
                throw new ExternalCallException(
                    operation, ExternalErrorKind.Unavailable, $"key {CacheKeyName.Printable(cacheKey)} is being cloned for an expose right now; try again in a moment");
            }

            trash = MoveToTrash(Layout.KeyDirectory(encoded), "key");
        }

        DeleteTrash([trash]);
        return trash is not null;
    }
}
