using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A sticky-disk store that records settlements and can be told to fail.</summary>
public sealed class FakeStickyDiskStore : IStickyDiskStore
{
    private int _exposures;

    public string Kind => "fake";

    public List<DiskSettlement> Settlements { get; } = [];

    public Exception? ExposeFailure { get; set; }

    public Exception? SettleFailure { get; set; }

    public Func<string, ExposedDisk>? Respond { get; set; }

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (ExposeFailure is not null)
        {
            throw ExposeFailure;
        }

        var n = Interlocked.Increment(ref _exposures);
        return Task.FromResult(Respond?.Invoke(cacheKey) ?? new ExposedDisk($"expose-{n}", $"/dev/fake{n}"));
    }

    public Task SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Settlements)
        {
            Settlements.Add(settlement);
        }

        return SettleFailure is null ? Task.CompletedTask : throw SettleFailure;
    }
}
