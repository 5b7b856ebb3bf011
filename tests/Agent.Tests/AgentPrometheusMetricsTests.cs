using System.Net;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.BlockDevices;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// <c>/metrics</c> on the agent's metrics listener: the text format read back strictly, what each call, failure and
/// lease expiry adds, the store's gauges and how often the store is asked for them, and what the endpoint never shows.
/// </summary>
public sealed class AgentPrometheusMetricsTests
{
    private const string Durations = "blacksmith_agent_operation_duration_seconds";
    private const string Failures = "blacksmith_agent_failures_total";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_are_prometheus_text_0_0_4_that_reads_back_with_each_expose_commit_and_release_and_the_store_counted()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.MetricsSettings());
        var client = h.Client();
        var key = h.NewKey();
        var committed = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(committed.ExposeId, key, Commit: true, null), Ct);
        await client.SettleAsync(new DiskSettlement(committed.ExposeId, key, Commit: true, null), Ct);
        var released = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(released.ExposeId, key, Commit: false, null), Ct);
        await client.ExposeAsync(h.NewKey(), Ct);

        var (contentType, body) = await h.ScrapeAsync();
        var metrics = PrometheusExposition.Parse(body);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", contentType);
        Assert.Equal("histogram", metrics.Families[Durations].Type);
        Assert.Equal("counter", metrics.Families[Failures].Type);
        Assert.Equal("gauge", metrics.Families["blacksmith_agent_store_keys"].Type);
        Assert.Equal(3, metrics.Value(Durations + "_count", ("operation", "expose"), ("outcome", "ok")));
        Assert.Equal(1, metrics.Value(Durations + "_count", ("operation", "commit"), ("outcome", "ok")));
        Assert.Equal(1, metrics.Value(Durations + "_count", ("operation", "commit"), ("outcome", "nothing_to_do")));
        Assert.Equal(1, metrics.Value(Durations + "_count", ("operation", "release"), ("outcome", "ok")));
        Assert.Equal(1, metrics.Value(Durations + "_bucket", ("operation", "release"), ("outcome", "ok"), ("le", "+Inf")));
        Assert.True(metrics.Value(Durations + "_sum", ("operation", "expose"), ("outcome", "ok")) > 0);
        var store = ("store", LocalStickyDiskStore.DirectoryKind);
        Assert.Equal(1, metrics.Value("blacksmith_agent_store_up", store));
        Assert.Equal(1, metrics.Value("blacksmith_agent_store_keys", store));
        Assert.Equal(1, metrics.Value("blacksmith_agent_store_generations", store));
        Assert.True(metrics.Value("blacksmith_agent_store_bytes", store) > 0);
        Assert.Equal(1, metrics.Value("blacksmith_agent_exposures_open", store));
        Assert.Equal(0, metrics.Value(Failures, ("operation", "commit"), ("kind", "unavailable")));
        Assert.Equal(0, metrics.Value("blacksmith_agent_lease_expiries_total"));
    }

    [Theory]
    [InlineData(ExternalErrorKind.Unavailable, "unavailable")]
    [InlineData(ExternalErrorKind.Failed, "failed")]
    [InlineData(ExternalErrorKind.BadReply, "bad_reply")]
    public async Task A_commit_the_store_fails_counts_one_failure_of_its_kind_and_a_failed_commit(ExternalErrorKind kind, string label)
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.MetricsSettings(), store => new FailingCommitStore(store, kind));
        var client = h.Client();
        var key = h.NewKey();
        var disk = await client.ExposeAsync(key, Ct);

        await Assert.ThrowsAsync<ExternalCallException>(() => client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, null), Ct));
        var metrics = await h.MetricsAsync();

        Assert.Equal(1, metrics.Value(Failures, ("operation", "commit"), ("kind", label)));
        Assert.Equal(1, metrics.Samples.Where(s => s.Name == Failures).Sum(s => s.Value));
        Assert.Equal(1, metrics.Value(Durations + "_count", ("operation", "commit"), ("outcome", "failed")));
        Assert.False(metrics.Has("blacksmith_agent_store_keys"));
    }

    [Fact]
    public async Task The_store_is_counted_once_however_many_scrapes_come_within_five_seconds_and_again_after()
    {
        await using var h = new AgentHarness();
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        CountedInventoryStore? counted = null;
        await h.StartAsync(h.MetricsSettings(), store => counted = new CountedInventoryStore(store), clock);
        var client = h.Client();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => h.ScrapeAsync()));
        await client.ExposeAsync(h.NewKey(), Ct);
        var cached = await h.MetricsAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        var fresh = await h.MetricsAsync();

        Assert.Equal(2, counted!.Inventories);
        Assert.Equal(0, cached.Value("blacksmith_agent_exposures_open", ("store", counted.Kind)));
        Assert.Equal(1, fresh.Value("blacksmith_agent_exposures_open", ("store", counted.Kind)));
    }

    [Fact]
    public async Task A_store_that_cannot_be_counted_shows_store_up_0_and_no_store_gauges_and_the_scrape_still_succeeds()
    {
        await using var h = new AgentHarness();
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        CountedInventoryStore? counted = null;
        await h.StartAsync(h.MetricsSettings(), store => counted = new CountedInventoryStore(store) { Unreachable = true }, clock);

        var down = await h.MetricsAsync();
        counted!.Unreachable = false;
        clock.Advance(TimeSpan.FromSeconds(5));
        var up = await h.MetricsAsync();

        Assert.Equal(0, down.Value("blacksmith_agent_store_up", ("store", counted.Kind)));
        Assert.False(down.Has("blacksmith_agent_store_keys"));
        Assert.False(down.Has("blacksmith_agent_exposures_open"));
        Assert.Equal(1, up.Value("blacksmith_agent_store_up", ("store", counted.Kind)));
        Assert.Equal(0, up.Value("blacksmith_agent_store_keys", ("store", counted.Kind)));
        Assert.Single(h.Logs.GetSnapshot(), r => r.Message.StartsWith("Could not count what the store holds for /metrics: store.inventory: the store does not answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_down_after_the_bound_and_not_asked_again_until_it_answers()
    {
        await using var h = new AgentHarness();
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CountedInventoryStore? counted = null;
        await h.StartAsync(h.MetricsSettings(), store => counted = new CountedInventoryStore(store) { Hang = hang }, clock);

        var first = h.MetricsAsync();
        // The scrape waits on the agent's clock; move it until the bound has passed for that wait.
        while (!first.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(first, Task.Delay(TimeSpan.FromMilliseconds(10), Ct));
        }

        var down = await first;
        var second = h.MetricsAsync();
        while (!second.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(10), Ct));
        }

        var stillDown = await second;
        var asked = counted!.Inventories;
        hang.SetResult();
        clock.Advance(TimeSpan.FromSeconds(5));
        var up = await h.MetricsAsync();

        Assert.Equal(0, down.Value("blacksmith_agent_store_up", ("store", counted.Kind)));
        Assert.Equal(0, stillDown.Value("blacksmith_agent_store_up", ("store", counted.Kind)));
        Assert.Equal(1, asked);
        Assert.Equal(1, up.Value("blacksmith_agent_store_up", ("store", counted.Kind)));
        Assert.Single(h.Logs.GetSnapshot(), r => r.Message.StartsWith("Could not count what the store holds for /metrics: it did not answer within 8 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_exposure_older_than_its_lease_shows_in_its_age_and_past_lease_gauges_beside_the_lease()
    {
        var lease = TimeSpan.FromHours(6);
        await using var h = new AgentHarness(lease: lease);
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        // No lease check within the test: the gauges, not the release, are under test here.
        await h.StartAsync(h.MetricsSettings() with { LeaseCheckInterval = TimeSpan.FromDays(30) }, clock: clock);
        var client = h.Client();
        await client.ExposeAsync(h.NewKey(), Ct);
        var store = ("store", LocalStickyDiskStore.DirectoryKind);

        var young = await h.MetricsAsync();
        clock.Advance(lease + TimeSpan.FromHours(1));
        var old = await h.MetricsAsync();

        Assert.Equal(0, young.Value("blacksmith_agent_exposures_past_lease", store));
        Assert.Equal(lease.TotalSeconds, old.Value("blacksmith_agent_exposure_lease_seconds", store));
        Assert.Equal(1, old.Value("blacksmith_agent_exposures_past_lease", store));
        // The store stamps grants on the system's clock, the agent reckons ages on its own (moved 7 h ahead).
        Assert.InRange(old.Value("blacksmith_agent_exposure_oldest_age_seconds", store), (lease + TimeSpan.FromMinutes(59)).TotalSeconds, (lease + TimeSpan.FromMinutes(65)).TotalSeconds);
    }

    [RequiresLoopDevicesFact]
    public async Task A_lease_expiry_counts_once_in_the_expiries_and_the_exposure_leaves_the_open_ones()
    {
        var lease = TimeSpan.FromHours(6);
        var interval = TimeSpan.FromMinutes(5);
        await using var h = new AgentHarness(LocalStoreMode.LoopDevice, lease: lease);
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        var server = await h.StartAsync(h.MetricsSettings() with { LeaseCheckInterval = interval }, clock: clock);
        var abandoned = await h.Client().ExposeAsync(h.NewKey(), Ct);

        var check = server.NextLeaseCheckAsync();
        clock.Advance(lease + interval);
        var reviews = await check.WaitAsync(Ct);
        var metrics = await h.MetricsAsync();

        Assert.Equal(abandoned.ExposeId, Assert.Single(reviews, r => r.Released).Lease.ExposeId);
        Assert.Equal(1, metrics.Value("blacksmith_agent_lease_expiries_total"));
        Assert.Equal(0, metrics.Value("blacksmith_agent_exposures_open", ("store", LocalStickyDiskStore.LoopDeviceKind)));
        Assert.True(metrics.Value("blacksmith_agent_lease_check_duration_seconds_count") >= 1);
        Assert.Equal(0, metrics.Value(Failures, ("operation", "expiry"), ("kind", "failed")));
    }

    [Fact]
    public async Task Metrics_need_no_token_show_no_token_key_or_expose_id_and_are_not_served_on_the_api_address()
    {
        var token = new string('t', 20) + "-secret";
        await using var h = new AgentHarness();
        await h.StartAsync(h.MetricsSettings(token));
        var client = h.Client(token);
        var key = h.NewKey();
        var disk = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, null), Ct);

        var (_, body) = await h.ScrapeAsync();
        using var api = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var onApi = await api.GetAsync(new Uri(h.Address, "/metrics"), Ct);

        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(key, body, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Split('/')[0], body, StringComparison.Ordinal);
        Assert.DoesNotContain(disk.ExposeId, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
        Assert.NotEqual(h.Address.Port, h.Server.MetricsAddress!.Port);
        Assert.Equal(h.Address, Assert.Single(h.Server.Addresses));
    }

    [Fact]
    public async Task Without_a_metrics_address_nothing_serves_metrics()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        using var api = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var onApi = await api.GetAsync(new Uri(h.Address, "/metrics"), Ct);

        Assert.Null(h.Server.MetricsAddress);
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
    }
}
