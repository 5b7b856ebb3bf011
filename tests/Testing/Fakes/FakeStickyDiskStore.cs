using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A sticky-disk store that records every call and fails as scripted.</summary>
public sealed class FakeStickyDiskStore : IStickyDiskStore
{
    private int _exposures;

    public string Kind => "fake";

    public List<DiskSettlement> Settlements { get; } = [];

    public List<StickyDiskMetric> Metrics { get; } = [];

    public int UpCalls { get; private set; }

    public int ExposeCalls { get; private set; }

    /// <summary>Failures the next Up calls throw, one per call, before Up succeeds.</summary>
    public Queue<Exception> UpFailures { get; } = new();

    /// <summary>Failures the next Expose calls throw, one per call, before Expose succeeds.</summary>
    public Queue<Exception> ExposeFailures { get; } = new();

    public Exception? ExposeFailure { get; set; }

    public Exception? SettleFailure { get; set; }

    public Func<string, ExposedDisk>? Respond { get; set; }

    public Task UpAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        UpCalls++;
        return UpFailures.TryDequeue(out var failure) ? throw failure : Task.CompletedTask;
    }

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ExposeCalls++;
        if (ExposeFailures.TryDequeue(out var queued))
        {
            throw queued;
        }

        if (ExposeFailure is not null)
        {
            throw ExposeFailure;
        }

        var n = Interlocked.Increment(ref _exposures);
        return Task.FromResult(Respond?.Invoke(cacheKey) ?? new ExposedDisk($"expose-{n}", $"/dev/fake{n}"));
    }

    /// <summary>What every settlement that does not fail answers.</summary>
    public SettleOutcome SettleOutcome { get; set; } = SettleOutcome.Applied;

    /// <summary>Every settlement waits until it is cancelled, as a store that never answers.</summary>
    public bool SettleHangs { get; set; }

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Settlements)
        {
            Settlements.Add(settlement);
        }

        if (SettleHangs)
        {
            return HangAsync(cancellationToken);
        }

        return SettleFailure is null ? Task.FromResult(SettleOutcome) : throw SettleFailure;
    }

    private async Task<SettleOutcome> HangAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return SettleOutcome;
    }

    /// <summary>The exposures <see cref="FindExposuresAsync"/> reports, per holder.</summary>
    public Dictionary<string, List<ExposedDisk>> Held { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Settlements)
        {
            var settled = Settlements.Select(s => s.ExposeId).ToHashSet(StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyList<ExposedDisk>>(
                Held.TryGetValue(holder, out var held) ? [.. held.Where(e => !settled.Contains(e.ExposeId))] : []);
        }
    }

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        Metrics.Add(metric);
        return Task.CompletedTask;
    }
}
