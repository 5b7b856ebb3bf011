using System.Diagnostics.Metrics;
using System.Globalization;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Server;
using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Agent.Metrics;

/// <summary>
/// The store's gauges (keys, generations, bytes, open exposures and their age), read from the store itself when a
/// scrape asks (<see cref="IStoreInventory"/>), not kept by hand. One inventory serves every scrape for
/// <see cref="CacheFor"/>, and scrapes that come while one is being taken wait for it, so a scrape storm costs the
/// store one inventory every few seconds. Ages are reckoned at each scrape, from the cached grant times.
/// </summary>
internal sealed class StoreGauges : IDisposable
{
    /// <summary>How long one inventory is shown.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>How long a scrape waits for an inventory; Prometheus's own scrape timeout is 10 s by default.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(8);

    private readonly IStoreInventory? _inventory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _store;
    private readonly SemaphoreSlim _refresh = new(1, 1);

    // One reference, swapped whole, so a scrape reads an inventory and its time together. Null inventory: it failed.
    private volatile Taken? _taken;
    private Task<StoreInventory?>? _inFlight;

    public StoreGauges(IStickyDiskStore store, AgentSettings settings, TimeProvider time, AgentMeter meter, ILoggerFactory loggers)
    {
        _inventory = store as IStoreInventory;
        _time = time;
        _logger = loggers.CreateLogger("Blacksmith.Agent");
        _store = new("store", store.Kind);
        if (_inventory is null)
        {
            return;
        }

        var m = meter.Meter;
        m.CreateObservableGauge("blacksmith_agent_store_up", () => Observe(_ => 1, whenDown: 0), unit: null,
            "1 when the last inventory of the store succeeded, 0 when it failed (the store's other gauges are then absent).");
        m.CreateObservableGauge("blacksmith_agent_store_keys", () => Observe(i => i.Keys), unit: null,
            "Keys with at least one committed generation. On Ceph: the whole pool's, which every agent of the fleet reports alike.");
        m.CreateObservableGauge("blacksmith_agent_store_generations", () => Observe(i => i.Generations), unit: null,
            "Committed generations of all keys.");
        m.CreateObservableGauge("blacksmith_agent_store_bytes", () => Observe(i => i.Bytes), "By",
            "Bytes the committed generations occupy where the store keeps them.");
        m.CreateObservableGauge("blacksmith_agent_exposures_open", () => Observe(i => i.Exposures.Count), unit: null,
            "Exposures this agent handed out that nobody has committed or released yet.");
        m.CreateObservableGauge("blacksmith_agent_exposure_oldest_age_seconds", () => Observe(OldestAge), "s",
            "Age of the oldest open exposure; 0 when there is none.");
        m.CreateObservableGauge("blacksmith_agent_exposures_past_lease", () => Observe(PastLease), unit: null,
            "Open exposures whose lease ran out: the lease check releases each once nothing uses its device.");
        if (store is IExposureLeases && settings.Store.ExposureLease is { } lease)
        {
            m.CreateObservableGauge("blacksmith_agent_exposure_lease_seconds", () => Observe(_ => lease.TotalSeconds, whenDown: lease.TotalSeconds), "s",
                "The lease an exposure is granted (--exposure-lease).");
        }
    }

    /// <summary>
    /// Takes a new inventory if the last one is older than <see cref="CacheFor"/>. A failure is a gauge, never the
    /// scrape's: a store that fails, or does not answer within <see cref="AnswerWithin"/>, shows as down. One that hangs
    /// is not asked again until it answers, so hung inventories do not pile up.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_inventory is null || Fresh())
        {
            return;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Fresh())
            {
                return;
            }

            var inFlight = _inFlight ??= TakeAsync(_inventory);
            StoreInventory? inventory = null;
            try
            {
                inventory = await inFlight.WaitAsync(AnswerWithin, _time, cancellationToken);
                _inFlight = null;
            }
            catch (TimeoutException)
            {
                Failed(string.Create(CultureInfo.InvariantCulture, $"it did not answer within {AnswerWithin.TotalSeconds} s"));
            }

            _taken = new Taken(inventory, _time.GetUtcNow());
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    // Not the scrape's token: a scrape that gives up must not cancel the inventory the next one will use.
    private async Task<StoreInventory?> TakeAsync(IStoreInventory inventory)
    {
        try
        {
            return await inventory.TakeInventoryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is ExternalCallException or IOException or UnauthorizedAccessException)
        {
            Failed(ex.Message);
            return null;
        }
    }

    private void Failed(string reason)
    {
        // Once per outage, not once per scrape.
        if (_taken is not { Inventory: null })
        {
            AgentLog.InventoryFailed(_logger, reason);
        }
    }

    private bool Fresh() => _taken is { } taken && _time.GetUtcNow() - taken.At < CacheFor;

    private double OldestAge(StoreInventory inventory) =>
        inventory.Exposures.Count == 0 ? 0 : Math.Max(0, (_time.GetUtcNow() - inventory.Exposures.Min(e => e.GrantedAt)).TotalSeconds);

    private double PastLease(StoreInventory inventory)
    {
        var now = _time.GetUtcNow();
        return inventory.Exposures.Count(e => LeasePolicy.IsExpired(e, now));
    }

    // A gauge of the inventory is absent while the store cannot be counted, unless it says what to show then.
    private IEnumerable<Measurement<double>> Observe(Func<StoreInventory, double> value, double? whenDown = null) =>
        _taken?.Inventory is { } inventory ? [new Measurement<double>(value(inventory), _store)]
        : whenDown is { } down ? [new Measurement<double>(down, _store)]
        : [];

    private sealed record Taken(StoreInventory? Inventory, DateTimeOffset At);
}
