using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Blacksmith.Agent.Metrics;

/// <summary>
/// Listens to one meter and keeps what a scrape shows: a counter's total, a gauge's latest value, a histogram's buckets,
/// per set of labels. Observable gauges are read at <see cref="Collect"/>, and only what they report then is shown, so a
/// series a gauge stops reporting (the store could not be counted) goes instead of staying at its last value.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, ConcurrentDictionary<string, Aggregate>> _instruments = new();
    private readonly Lock _collecting = new();

    public MetricsCollector(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                _instruments.TryAdd(instrument, new(StringComparer.Ordinal));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every family of the meter, sorted by name, its series by labels.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collecting)
        {
            foreach (var (instrument, series) in _instruments)
            {
                if (instrument.IsObservable)
                {
                    series.Clear();
                }
            }

            _listener.RecordObservableInstruments();
            return [.. _instruments
                .Select(pair => new MetricFamily(
                    pair.Key.Name,
                    pair.Key.Description ?? string.Empty,
                    TypeOf(pair.Key),
                    [.. pair.Value.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value.Snapshot())]))
                .OrderBy(f => f.Name, StringComparer.Ordinal)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private static MetricType TypeOf(Instrument instrument) => instrument switch
    {
        Histogram<double> => MetricType.Histogram,
        Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => MetricType.Counter,
        _ => MetricType.Gauge,
    };

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_instruments.TryGetValue(instrument, out var series))
        {
            return;
        }

        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            labels.Add(new(tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = string.Join('\u0001', labels.Select(l => $"{l.Key}\u0002{l.Value}"));
        var type = TypeOf(instrument);
        var bounds = instrument is Histogram<double> histogram ? histogram.Advice?.HistogramBucketBoundaries : null;
        series.GetOrAdd(key, _ => new Aggregate(labels, type, bounds)).Add(value);
    }

    private sealed class Aggregate(IReadOnlyList<KeyValuePair<string, string>> labels, MetricType type, IReadOnlyList<double>? bounds)
    {
        private readonly Lock _lock = new();
        private readonly double[] _bounds = [.. bounds ?? []];
        private readonly long[] _buckets = new long[(bounds?.Count ?? 0) + 1];
        private double _value;
        private long _count;

        public void Add(double value)
        {
            lock (_lock)
            {
                switch (type)
                {
                    case MetricType.Counter:
                        _value += value;
                        break;
                    case MetricType.Gauge:
                        _value = value;
                        break;
                    default:
                        // The first bound at or above the value: Prometheus buckets are "less than or equal".
                        var index = Array.FindIndex(_bounds, bound => value <= bound);
                        _buckets[index < 0 ? _bounds.Length : index]++;
                        _value += value;
                        _count++;
                        break;
                }
            }
        }

        public MetricSeries Snapshot()
        {
            lock (_lock)
            {
                if (type != MetricType.Histogram)
                {
                    return new MetricSeries(labels, _value);
                }

                var cumulative = new long[_buckets.Length];
                var running = 0L;
                for (var i = 0; i < _buckets.Length; i++)
                {
                    running += _buckets[i];
                    cumulative[i] = running;
                }

                return new MetricSeries(labels, _value, _bounds, cumulative, _count);
            }
        }
    }
}
