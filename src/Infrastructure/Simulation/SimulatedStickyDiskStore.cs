using System.Globalization;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation;

/// <summary>
/// An in-process sticky-disk store over a directory, for the demo job and for machines without loop devices or an
/// agent. Each key has a numbered generation; exposing copies nothing (the "device" is a directory holding the
/// key's cache), committing advances the generation. Not a substitute for the agent: it proves the lifecycle,
/// not the block-device path.
/// </summary>
public sealed class SimulatedStickyDiskStore(string dataDirectory) : IStickyDiskStore
{
    private const string GenerationFile = "generation";

    public string Kind => "simulated";

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The last committed generation of <paramref name="cacheKey"/> (0: never committed).</summary>
    public int Generation(string cacheKey)
    {
        var path = Path.Combine(KeyDirectory(cacheKey), GenerationFile);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : 0;
    }

    public Task UpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var cache = Path.Combine(KeyDirectory(cacheKey), "cache");
        Directory.CreateDirectory(cache);
        var exposeId = $"sim-{Generation(cacheKey)}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4))}";
        return Task.FromResult(new ExposedDisk(exposeId, cache));
    }

    public async Task SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        if (settlement.Commit)
        {
            // Write then rename, so a crash never leaves a half-written generation number.
            var next = Generation(settlement.CacheKey) + 1;
            var path = Path.Combine(KeyDirectory(settlement.CacheKey), GenerationFile);
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, next.ToString(CultureInfo.InvariantCulture), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
    }

    private string KeyDirectory(string cacheKey)
    {
        var safe = string.Concat(cacheKey.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        if (safe.Length == 0 || safe.Trim('.').Length == 0)
        {
            throw new ExternalCallException("stickydisk.expose", ExternalErrorKind.Failed, $"cache key '{cacheKey}' has no usable characters");
        }

        return Path.Combine(DataDirectory, safe);
    }
}
