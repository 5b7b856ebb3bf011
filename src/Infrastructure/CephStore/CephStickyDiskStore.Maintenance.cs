using System.Text.Json;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>Bounded chains and garbage collection: what runs in the background after a commit, and on <c>store gc</c>.</summary>
public sealed partial class CephStickyDiskStore
{
    /// <summary>
    /// Flattens the key's head once its clone chain is deeper than <see cref="CephStoreOptions.FlattenDepth"/>, then
    /// removes the key's images that nothing needs any more, then applies the size cap. Only one agent at a time does
    /// this for a key (its <c>maintenance</c> lock); another that finds it taken leaves it to that one.
    /// </summary>
    internal async Task MaintainAsync(string encodedKey, CancellationToken cancellationToken)
    {
        const string operation = "stickydisk.maintain";
        try
        {
            await using (var held = await _registry.TryLockAsync(
                CephImageNames.KeyObject(encodedKey), CephRegistry.MaintenanceLock, _options.SlowCallTimeout + TimeSpan.FromMinutes(1), TimeSpan.Zero, operation, cancellationToken))
            {
                if (held is null)
                {
                    return;
                }

                await FlattenHeadAsync(encodedKey, operation, cancellationToken);
                await CollectKeyAsync(encodedKey, operation, cancellationToken);
            }

            if (_options.TotalSizeCapBytes is { } cap)
            {
                await EvictAsync(cap, spare: encodedKey, operation, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is ExternalCallException or OperationCanceledException or IOException)
        {
            CephStoreLog.MaintenanceFailed(_logger, encodedKey, ex.Message);
        }
    }

    private async Task FlattenHeadAsync(string encodedKey, string operation, CancellationToken cancellationToken)
    {
        var state = await _registry.ReadKeyAsync(encodedKey, operation, cancellationToken);
        if (state?.Head is not { } head || head.Chain.Count <= _options.FlattenDepth)
        {
            return;
        }

        var started = _machine.GetTimestamp();

        // In place, with deep-flatten (a default feature): the snapshot that is the generation is detached from its
        // parents too. Never `rbd cp` of a clone's snapshot, which silently drops the parent's data (ceph-rbd facts §5.1).
        await _cli.RbdAsync(operation, ["flatten", _cli.Spec(head.Image)], cancellationToken, slow: true);
        await _registry.UpdateKeyAsync(
            encodedKey,
            before => before is null || before.Generations.All(g => g.Number != head.Number)
                ? before
                : before with { Generations = [.. before.Generations.Select(g => g.Number == head.Number ? g with { Chain = [] } : g)] },
            operation,
            cancellationToken);
        var milliseconds = (long)_machine.GetElapsedTime(started).TotalMilliseconds;
        CephStoreLog.Flattened(_logger, state.Key, head.Image, head.Chain.Count + 1, _options.FlattenDepth, milliseconds);
    }

    /// <summary>
    /// Removes the key's images that are no kept generation, in no kept generation's chain, and in no exposure's chain
    /// or exposure's own image: an open clone keeps reading the parents it was opened with, even after they are
    /// flattened away (ceph-rbd facts §5.2). Listed in this order (images, then exposures, then generations) because an
    /// exposure is recorded before its image is made, and a commit publishes its generation before it drops its record.
    /// </summary>
    private async Task<int> CollectKeyAsync(string encodedKey, string operation, CancellationToken cancellationToken)
    {
        var images = (await ListImagesAsync(operation, cancellationToken)).Where(i => CephImageNames.IsImageOf(i, encodedKey)).ToList();
        if (images.Count == 0)
        {
            return 0;
        }

        var exposures = await _registry.ListExposuresAsync(operation, cancellationToken);
        var state = await _registry.ReadKeyAsync(encodedKey, operation, cancellationToken);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var generation in state?.Generations ?? [])
        {
            kept.Add(generation.Image);
            kept.UnionWith(generation.Chain);
        }

        foreach (var exposure in exposures)
        {
            kept.Add(exposure.Image);
            kept.UnionWith(exposure.Chain);
        }

        // An ancestor is refused while its child lives; passes repeat, so a chain goes child first, whatever the order listed.
        var removed = 0;
        var left = images.Where(i => !kept.Contains(i)).ToList();
        for (var progress = true; progress && left.Count > 0;)
        {
            var before = left.Count;
            left = await RemoveUnusedAsync(left, state?.Key ?? encodedKey, operation, cancellationToken);
            removed += before - left.Count;
            progress = left.Count < before;
        }

        return removed;
    }

    /// <summary>Removes what it can of <paramref name="images"/>; returns those still refused.</summary>
    private async Task<List<string>> RemoveUnusedAsync(List<string> images, string key, string operation, CancellationToken cancellationToken)
    {
        var refused = new List<string>();
        foreach (var image in images)
        {
            // Clone v2: a snapshot with clones goes to the trash and disappears with its last clone; the image itself
            // is refused while such a clone lives, and is tried again by a later collection.
            var snapshot = await _cli.TryRbdAsync(operation, ["snap", "rm", _cli.Spec(image, CephImageNames.Snapshot)], cancellationToken);
            var gone = snapshot.Succeeded || snapshot.NotFound
                ? await _cli.TryRbdAsync(operation, ["rm", _cli.Spec(image)], cancellationToken, slow: true)
                : snapshot;
            if (gone.Succeeded || gone.NotFound)
            {
                CephStoreLog.Collected(_logger, image, key);
            }
            else
            {
                refused.Add(image);
            }
        }

        return refused;
    }

    /// <summary>Evicts whole keys, least recently used first, while the images use more than <paramref name="cap"/>.</summary>
    private async Task EvictAsync(long cap, string? spare, string operation, CancellationToken cancellationToken)
    {
        var usage = await UsageAsync(operation, cancellationToken);
        var total = usage.Values.Sum();
        if (total <= cap)
        {
            return;
        }

        var keys = await _registry.ListKeysAsync(operation, cancellationToken);
        var exposures = await _registry.ListExposuresAsync(operation, cancellationToken);
        var candidates = new List<(string Encoded, CephKeyState State, long Bytes)>();
        foreach (var encoded in keys.Keys.Where(k => k != spare))
        {
            if (await _registry.ReadKeyAsync(encoded, operation, cancellationToken) is not { } state || exposures.Any(e => e.Key == state.Key))
            {
                continue;
            }

            candidates.Add((encoded, state, usage.Where(u => CephImageNames.IsImageOf(u.Key, encoded)).Sum(u => u.Value)));
        }

        foreach (var (encoded, state, bytes) in candidates.OrderBy(c => c.State.LastUsed ?? DateTimeOffset.MinValue))
        {
            if (total <= cap)
            {
                return;
            }

            await _registry.UpdateKeyAsync(encoded, _ => null, operation, cancellationToken);
            await CollectKeyAsync(encoded, operation, cancellationToken);
            total -= bytes;
            CephStoreLog.Evicted(_logger, state.Key, bytes, state.LastUsed, cap);
        }

        if (total > cap)
        {
            CephStoreLog.StillOverCap(_logger, total, cap);
        }
    }

    /// <summary>What each image of the pool (or namespace) uses, its snapshots included (<c>rbd du</c>, from the object maps).</summary>
    private async Task<Dictionary<string, long>> UsageAsync(string operation, CancellationToken cancellationToken)
    {
        var output = await _cli.RbdAsync(operation, ["du", "--format", "json", _cli.Spec(string.Empty).TrimEnd('/')], cancellationToken, slow: true);
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in JsonSerializer.Deserialize(output, CephStoreJsonContext.Default.RbdDiskUsage)?.Images ?? [])
        {
            usage[line.Name] = usage.GetValueOrDefault(line.Name) + line.UsedSize;
        }

        return usage;
    }

    private async Task<IReadOnlyList<string>> ListImagesAsync(string operation, CancellationToken cancellationToken)
    {
        var output = await _cli.RbdAsync(operation, ["ls", "--format", "json", _cli.Spec(string.Empty).TrimEnd('/')], cancellationToken);
        return JsonSerializer.Deserialize(output.Length == 0 ? "[]" : output, CephStoreJsonContext.Default.IReadOnlyListString) ?? [];
    }
}
