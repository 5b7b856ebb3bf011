using System.Globalization;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// The proof that <c>/metrics</c> is Prometheus's format: a real Prometheus server scrapes an agent that served real
/// loop devices, and its HTTP API answers with the series the agent showed.
/// </summary>
public sealed class AgentPrometheusScrapeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [RequiresPrometheusFact]
    public async Task Prometheus_scrapes_the_agent_after_an_expose_a_commit_and_a_release_and_the_target_is_up()
    {
        await using var h = new AgentHarness(LocalStoreMode.LoopDevice, lease: TimeSpan.FromHours(6));
        var server = await h.StartAsync(h.MetricsSettings());
        var client = h.Client();
        var key = h.NewKey();
        var committed = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(committed.ExposeId, key, Commit: true, null), Ct);
        var released = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(released.ExposeId, key, Commit: false, null), Ct);
        await client.ExposeAsync(h.NewKey(), Ct);

        using var prometheus = await PrometheusServer.StartAsync(server.MetricsAddress!, Ct);
        var target = string.Create(CultureInfo.InvariantCulture, $"{server.MetricsAddress!.Host}:{server.MetricsAddress.Port}");
        var up = await prometheus.AwaitValueAsync($"up{{job=\"{PrometheusServer.Job}\"}}", 1, Ct);
        var store = $"store=\"{LocalStickyDiskStore.LoopDeviceKind}\"";

        Assert.Equal(target, up["instance"]);
        await prometheus.AwaitValueAsync($"blacksmith_agent_operation_duration_seconds_count{{operation=\"expose\",outcome=\"ok\"}}", 3, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_operation_duration_seconds_count{{operation=\"commit\",outcome=\"ok\"}}", 1, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_operation_duration_seconds_count{{operation=\"release\",outcome=\"ok\"}}", 1, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_operation_duration_seconds_bucket{{operation=\"commit\",outcome=\"ok\",le=\"+Inf\"}}", 1, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_store_keys{{{store}}}", 1, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_store_generations{{{store}}}", 1, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_exposures_open{{{store}}}", 1, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_exposures_past_lease{{{store}}}", 0, Ct);
        await prometheus.AwaitValueAsync($"sum(blacksmith_agent_failures_total)", 0, Ct);
        await prometheus.AwaitValueAsync($"blacksmith_agent_lease_expiries_total", 0, Ct);
        // Prometheus reads the buckets as a histogram: the 99th percentile of every commit so far is a time, not NaN.
        var p99 = Assert.Single(await prometheus.QueryAsync(
            "histogram_quantile(0.99, sum by (le) (blacksmith_agent_operation_duration_seconds_bucket{operation=\"commit\"}))", Ct));
        Assert.InRange(p99.Value, double.Epsilon, 300);
        Assert.Empty(await prometheus.QueryAsync("scrape_samples_post_metric_relabeling == 0", Ct));
    }
}
