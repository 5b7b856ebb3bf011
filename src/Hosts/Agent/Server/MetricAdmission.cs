using System.Globalization;

namespace Blacksmith.Agent.Server;

/// <summary>
/// Which metrics the agent takes. <c>ReportMetric</c> needs no token (upstream's clients send none, and a metric touches
/// no disk), so anyone who reaches the agent may call it; this keeps such a caller from flooding the log. Each caller
/// (its peer address: every runner on the host shares 127.0.0.1, a container on the Docker bridge has its own) has a
/// bucket of <see cref="Burst"/> metrics that refills at <see cref="PerMinute"/> a minute; a metric over it, or larger
/// than <see cref="MaxMessageBytes"/>, is refused with RESOURCE_EXHAUSTED (docs/agent.md). A job sends a handful.
/// </summary>
public sealed class MetricAdmission(TimeProvider time)
{
    /// <summary>Metrics a caller may send at once.</summary>
    public const int Burst = 60;

    /// <summary>The rate a caller's bucket refills at, metrics a minute.</summary>
    public const int PerMinute = 60;

    /// <summary>
    /// The most a <c>ReportMetricRequest</c> may take on the wire. A real one is under 200 bytes: a repo name of at most
    /// 140 characters, a region, a number.
    /// </summary>
    public const int MaxMessageBytes = 1024;

    // Past this many callers, those whose buckets are full (idle) are forgotten; it bounds the memory a stream of new
    // source addresses can take.
    private const int MaxCallers = 4096;

    private readonly Dictionary<string, Bucket> _callers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Takes one metric of <paramref name="messageBytes"/> from <paramref name="caller"/>, or refuses it.</summary>
    public MetricDecision Admit(string caller, int messageBytes)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (!_callers.TryGetValue(caller, out var bucket))
            {
                if (_callers.Count >= MaxCallers)
                {
                    ForgetIdle(now);
                }

                bucket = new Bucket { Tokens = Burst, Refilled = now };
                _callers[caller] = bucket;
            }

            Refill(bucket, now);
            if (bucket.Tokens < 1)
            {
                bucket.Refused++;
                return new MetricDecision(
                    false,
                    string.Create(CultureInfo.InvariantCulture, $"too many metrics from {caller}: at most {Burst} at once and {PerMinute} a minute; this one was dropped"),
                    FirstRefusal: bucket.Refused == 1,
                    RefusedBefore: 0);
            }

            // Counted before the size is checked, so that refusing oversized messages is as bounded as taking metrics.
            bucket.Tokens--;
            var refusedBefore = bucket.Refused;
            bucket.Refused = 0;
            return messageBytes > MaxMessageBytes
                ? new MetricDecision(false, string.Create(CultureInfo.InvariantCulture, $"the metric is {messageBytes} bytes; a metric may take at most {MaxMessageBytes} bytes"), true, refusedBefore)
                : new MetricDecision(true, null, false, refusedBefore);
        }
    }

    /// <summary>The address of a gRPC peer (<c>ipv4:127.0.0.1:53412</c>, <c>ipv6:[::1]:53412</c>) without its port.</summary>
    public static string Caller(string? peer)
    {
        if (string.IsNullOrEmpty(peer))
        {
            return "unknown";
        }

        var colon = peer.IndexOf(':', StringComparison.Ordinal);
        var address = colon >= 0 && peer[..colon] is "ipv4" or "ipv6" ? peer[(colon + 1)..] : peer;
        var port = address.LastIndexOf(':');
        if (port > 0 && (address[0] != '[' || address[port - 1] == ']'))
        {
            address = address[..port];
        }

        return address.Trim('[', ']');
    }

    private static void Refill(Bucket bucket, DateTimeOffset now)
    {
        var elapsed = now - bucket.Refilled;
        if (elapsed > TimeSpan.Zero)
        {
            bucket.Tokens = Math.Min(Burst, bucket.Tokens + (elapsed.TotalMinutes * PerMinute));
            bucket.Refilled = now;
        }
    }

    private void ForgetIdle(DateTimeOffset now)
    {
        foreach (var (caller, bucket) in _callers.ToList())
        {
            Refill(bucket, now);
            if (bucket.Tokens >= Burst && bucket.Refused == 0)
            {
                _callers.Remove(caller);
            }
        }

        if (_callers.Count >= MaxCallers)
        {
            // Every caller is busy: forget the one refilled longest ago rather than grow without bound.
            _callers.Remove(_callers.MinBy(c => c.Value.Refilled).Key);
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset Refilled { get; set; }

        public int Refused { get; set; }
    }
}
