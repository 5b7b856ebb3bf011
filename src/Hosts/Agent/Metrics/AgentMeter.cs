using System.Diagnostics.Metrics;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Agent.Metrics;

/// <summary>
/// The agent's instruments (System.Diagnostics.Metrics), named as Prometheus shows them (docs/agent.md, "Prometheus
/// metrics"). Labels take only values from the fixed sets below, never a key, an expose id or anything a caller sent:
/// keys are repository names (unbounded), and the endpoint that serves these carries no token.
/// </summary>
internal sealed class AgentMeter : IDisposable
{
    public const string Expose = "expose";
    public const string Commit = "commit";
    public const string Release = "release";
    public const string Expiry = "expiry";
    public const string LeaseCheck = "lease_check";

    public const string Ok = "ok";
    public const string NothingToDo = "nothing_to_do";
    public const string Failed = "failed";

    /// <summary>A failure that is no store's answer but a bug of the agent.</summary>
    public const string InternalKind = "internal";

    // From a fast local commit (tens of milliseconds) to a slow clone of a large disk on Ceph (minutes).
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Histogram<double> _durations;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _expiries;
    private readonly Histogram<double> _leaseChecks;

    public AgentMeter()
    {
        // Not from IMeterFactory: each agent (tests run several in one process) has its own meter, and its own listener
        // sees only that one.
        Meter = new Meter("Blacksmith.Agent");
        _durations = Meter.CreateHistogram(
            "blacksmith_agent_operation_duration_seconds",
            "s",
            "Time the store took for each expose, commit and release the agent served, by outcome (ok, nothing_to_do: a repeated or moot settlement, failed).",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _failures = Meter.CreateCounter<long>(
            "blacksmith_agent_failures_total",
            unit: null,
            "Failed store operations, by operation (expose, commit, release, expiry, lease_check) and kind (the store's error kind, or internal).");
        _expiries = Meter.CreateCounter<long>(
            "blacksmith_agent_lease_expiries_total",
            unit: null,
            "Exposures the lease check released (never committed) because their lease ran out and nothing used their device.");
        _leaseChecks = Meter.CreateHistogram(
            "blacksmith_agent_lease_check_duration_seconds",
            "s",
            "Time each lease check took, releases included.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public Meter Meter { get; }

    /// <summary>Starts every failure series at zero, so that the first failure is an increase a query sees.</summary>
    public void Initialize()
    {
        foreach (var operation in new[] { Expose, Commit, Release, Expiry, LeaseCheck })
        {
            foreach (var kind in Enum.GetValues<ExternalErrorKind>().Select(KindLabel).Append(InternalKind))
            {
                _failures.Add(0, new("operation", operation), new("kind", kind));
            }
        }

        _expiries.Add(0);
    }

    public void Served(string operation, string outcome, TimeSpan elapsed) =>
        _durations.Record(elapsed.TotalSeconds, new("operation", operation), new("outcome", outcome));

    public void Failure(string operation, string kind) => _failures.Add(1, new("operation", operation), new("kind", kind));

    public void LeaseChecked(TimeSpan elapsed, int released, int failed)
    {
        _leaseChecks.Record(elapsed.TotalSeconds);
        _expiries.Add(released);
        if (failed > 0)
        {
            _failures.Add(failed, new("operation", Expiry), new("kind", KindLabel(ExternalErrorKind.Failed)));
        }
    }

    /// <summary>An error kind as a label value: <c>bad_reply</c> for <see cref="ExternalErrorKind.BadReply"/>.</summary>
    public static string KindLabel(ExternalErrorKind kind) => kind switch
    {
        ExternalErrorKind.Unavailable => "unavailable",
        ExternalErrorKind.Timeout => "timeout",
        ExternalErrorKind.Failed => "failed",
        ExternalErrorKind.BadReply => "bad_reply",
        ExternalErrorKind.Missing => "missing",
        ExternalErrorKind.Interrupted => "interrupted",
        ExternalErrorKind.Corrupt => "corrupt",
        _ => "other",
    };

    public void Dispose() => Meter.Dispose();
}
