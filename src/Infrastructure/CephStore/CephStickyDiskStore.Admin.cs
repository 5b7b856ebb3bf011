using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>Administration on the cluster: <c>blacksmith-agent store ls|rm|gc</c> (docs/agent.md, "Administration").</summary>
public sealed partial class CephStickyDiskStore
{
    /// <summary>Every key with its generations, then every exposure not settled, as lines for people.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        const string operation = "store.ls";
        await EnsureUpAsync(cancellationToken);
        var text = new StringBuilder();
        var keys = await _registry.ListKeysAsync(operation, cancellationToken);
        foreach (var encoded in keys.Keys.Order(StringComparer.Ordinal))
        {
            if (await _registry.ReadKeyAsync(encoded, operation, cancellationToken) is not { } state)
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"{state.Key}  last used {state.LastUsed:u}\n");
            foreach (var generation in state.Generations)
            {
                text.Append(CultureInfo.InvariantCulture, $"  generation {generation.Number}  {generation.Image}@{CephImageNames.Snapshot}  chain depth {generation.Chain.Count + 1}  committed {generation.Committed:u} by {generation.Agent}\n");
            }
        }

        var exposures = await _registry.ListExposuresAsync(operation, cancellationToken);
        if (exposures.Count > 0)
        {
            text.Append("Exposures not settled:\n");
            foreach (var exposure in exposures.OrderBy(e => e.Created))
            {
                var lease = exposure.LeaseExpires is { } expires ? $"  lease until {expires:u}" : "  no lease";
                text.Append(CultureInfo.InvariantCulture, $"  {exposure.ExposeId}  {exposure.Key}  {exposure.State}  {exposure.Device ?? "-"}  on {exposure.Agent}  since {exposure.Created:u}{lease}\n");
            }
        }

        return text.Length == 0 ? "No keys and no exposures.\n" : text.ToString();
    }

    /// <summary>
    /// Deletes every generation of <paramref name="cacheKey"/>: the key's state goes at once, and its images as soon
    /// as no exposure's chain needs them. Exposures already handed out keep their clones. False when the key had none.
    /// </summary>
    public async Task<bool> RemoveKeyAsync(string cacheKey, CancellationToken cancellationToken)
    {
        const string operation = "store.rm";
        var encoded = CephImageNames.Encode(cacheKey, operation);
        await EnsureUpAsync(cancellationToken);
        var existed = false;
        await _registry.UpdateKeyAsync(
            encoded,
            before =>
            {
                existed = before is not null;
                return null;
            },
            operation,
            cancellationToken);
        await using (var held = await _registry.LockAsync(
            CephImageNames.KeyObject(encoded), CephRegistry.MaintenanceLock, _options.SlowCallTimeout + TimeSpan.FromMinutes(1), CephRegistry.LockWait, operation, cancellationToken))
        {
            await CollectKeyAsync(encoded, operation, cancellationToken);
        }

        return existed;
    }

    /// <summary>
    /// Recovery of this host's exposures, then for every key: prune to <paramref name="keep"/> generations (when
    /// given), flatten a deep head, remove what nothing needs; then evict down to <paramref name="sizeCapBytes"/>
    /// (when given); and release this host's exposures handed out longer than <paramref name="abandonedAfter"/> ago
    /// whose device is not mounted. Returns what it did, as lines.
    /// </summary>
    public async Task<string> CollectGarbageAsync(int? keep, long? sizeCapBytes, TimeSpan? abandonedAfter, CancellationToken cancellationToken)
    {
        const string operation = "store.gc";
        await EnsureUpAsync(cancellationToken);
        var report = new StringBuilder();
        if (abandonedAfter is { } age)
        {
            var now = _time.GetUtcNow();
            foreach (var record in (await _registry.ListExposuresAsync(operation, cancellationToken))
                .Where(r => r.Agent == AgentName && r.State == CephExposureState.Exposed && now - r.Created > age))
            {
                if (await _attach.MountedAtAsync(record.Image, record.ExposeId, cancellationToken) is not null)
                {
                    continue;
                }

                await ReleaseAsync(record, operation, cancellationToken);
                report.Append(CultureInfo.InvariantCulture, $"released exposure {record.ExposeId} of {record.Key} (handed out {record.Created:u})\n");
            }
        }

        foreach (var encoded in (await _registry.ListKeysAsync(operation, cancellationToken)).Keys)
        {
            if (keep is { } count)
            {
                await _registry.UpdateKeyAsync(
                    encoded,
                    before => before is null || before.Generations.Count <= count ? before : before with { Generations = [.. before.Generations.TakeLast(Math.Max(1, count))] },
                    operation,
                    cancellationToken);
            }

            await using var held = await _registry.TryLockAsync(
                CephImageNames.KeyObject(encoded), CephRegistry.MaintenanceLock, _options.SlowCallTimeout + TimeSpan.FromMinutes(1), CephRegistry.LockWait, operation, cancellationToken);
            if (held is null)
            {
                report.Append(CultureInfo.InvariantCulture, $"skipped {encoded}: another agent maintains it now\n");
                continue;
            }

            await FlattenHeadAsync(encoded, operation, cancellationToken);
            var removed = await CollectKeyAsync(encoded, operation, cancellationToken);
            if (removed > 0)
            {
                report.Append(CultureInfo.InvariantCulture, $"removed {removed} image(s) of {encoded}\n");
            }
        }

        if (sizeCapBytes is { } cap)
        {
            await EvictAsync(cap, spare: null, operation, cancellationToken);
        }

        return report.Length == 0 ? "Nothing to collect.\n" : report.ToString();
    }

    /// <summary>The cluster's records of one key, for tests and <c>store ls</c>: generation numbers and images, head last.</summary>
    internal Task<CephKeyState?> ReadKeyAsync(string cacheKey, CancellationToken cancellationToken) =>
        _registry.ReadKeyAsync(CephImageNames.Encode(cacheKey, "store.ls"), "store.ls", cancellationToken);

}
