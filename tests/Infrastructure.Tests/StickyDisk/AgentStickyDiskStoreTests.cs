using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.Agent;
using Grpc.Core;

namespace Blacksmith.Infrastructure.Tests.StickyDisk;

/// <summary>The agent store against a real gRPC agent on loopback (h2c, Kestrel), one attempt per call.</summary>
public sealed class AgentStickyDiskStoreTests
{
    // Ample for a call on a warm loopback connection even on a busy CI machine, short enough that a held call
    // times out quickly. Tests that use it open the connection first, so the deadline never covers the handshake.
    private static readonly TimeSpan ShortDeadline = TimeSpan.FromSeconds(1);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<AgentRpc, string> Operations => new()
    {
        { AgentRpc.Up, "stickydisk.up" },
        { AgentRpc.GetStickyDisk, "stickydisk.expose" },
        { AgentRpc.CommitStickyDisk, "stickydisk.commit" },
        // The same RPC with should_commit = false: a release is named a release.
        { AgentRpc.CommitStickyDisk, "stickydisk.release" },
        { AgentRpc.ReportMetric, "stickydisk.metric" },
    };

    [Fact]
    public async Task Up_succeeds_when_the_agent_answers()
    {
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(AgentJob.Generate(1).Options(agent.Address));

        await store.UpAsync(Token);

        Assert.Equal([AgentRpc.Up], agent.Calls);
        Assert.Equal("agent", store.Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Expose_sends_the_job_identity_and_token_and_returns_the_agents_device(int seed)
    {
        var job = AgentJob.Generate(seed);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        var disk = new AgentDisk($"expose-{seed}-{job.VmId[..8]}", $"/dev/vd{(char)('b' + seed)}");
        agent.Disks = _ => disk;
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var exposed = await store.ExposeAsync(job.CacheKey, Token);

        Assert.Equal(new ExposedDisk(disk.ExposeId, disk.DiskIdentifier), exposed);
        var request = Assert.Single(agent.Exposes);
        Assert.Equal(new RecordedExpose(job.CacheKey, job.Region, job.InstallationModelId, job.VmId, "dockerfile", job.RepoName, job.Token), request);
    }

    [Theory]
    [InlineData("", "/dev/vdb", "expose_id")]
    public async Task Expose_without_an_expose_id_is_a_bad_reply_naming_what_was_missing(string exposeId, string device, string missing)
    {
        var job = AgentJob.Generate(4);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.Disks = _ => new AgentDisk(exposeId, device);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => store.ExposeAsync(job.CacheKey, Token));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
        Assert.Equal("stickydisk.expose", error.Operation);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("expected", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Expose_without_a_device_keeps_the_expose_id_so_that_it_can_be_released(string device)
    {
        var job = AgentJob.Generate(4);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.Disks = _ => new AgentDisk("expose-1", device);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var exposed = await store.ExposeAsync(job.CacheKey, Token);

        Assert.Equal(new ExposedDisk("expose-1", string.Empty), exposed);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task An_unavailable_agent_is_a_transient_failure_after_exactly_one_attempt(AgentRpc rpc, string operation)
    {
        var job = AgentJob.Generate(5);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.FailWith(rpc, StatusCode.Unavailable, "agent restarting");
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => CallAsync(store, rpc, job, operation));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(operation, error.Operation);
        Assert.Equal([rpc], agent.Calls);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_proxy_answering_a_gateway_error_is_unavailable(int httpStatus)
    {
        var job = AgentJob.Generate(6);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.AnswerHttpStatus(AgentRpc.GetStickyDisk, httpStatus);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => store.ExposeAsync(job.CacheKey, Token));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
        Assert.Empty(agent.Exposes);
    }

    [Theory]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.Unimplemented)]
    public async Task Any_other_status_is_a_failure_that_names_the_status(StatusCode code)
    {
        var job = AgentJob.Generate(7);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.FailWith(AgentRpc.GetStickyDisk, code, "no disk for you");
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => store.ExposeAsync(job.CacheKey, Token));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Contains(code.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("no disk for you", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_call_the_agent_holds_past_the_deadline_is_a_timeout_not_a_transient_failure(AgentRpc rpc, string operation)
    {
        var job = AgentJob.Generate(8);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        var options = job.Options(agent.Address) with
        {
            UpTimeout = ShortDeadline,
            ExposeTimeout = ShortDeadline,
            CommitTimeout = ShortDeadline,
            MetricTimeout = ShortDeadline,
        };
        using var store = new AgentStickyDiskStore(options);
        await store.UpAsync(Token);
        var hold = agent.Hold(rpc);

        var error = await FailsAsync(job, () => CallAsync(store, rpc, job, operation));

        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Equal(operation, error.Operation);

        // The agent had the request: a timed-out call may have done its work, which is why it is not retried.
        await hold.WaitUntilReachedAsync(Token);
    }

    [Fact]
    public async Task An_expose_a_settlement_or_a_metric_carries_its_callers_deadline_alone_and_only_up_has_one_of_its_own()
    {
        var job = AgentJob.Generate(12);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        foreach (var (rpc, operation) in new[] { (AgentRpc.Up, "stickydisk.up"), (AgentRpc.GetStickyDisk, "stickydisk.expose"), (AgentRpc.CommitStickyDisk, "stickydisk.commit"), (AgentRpc.CommitStickyDisk, "stickydisk.release"), (AgentRpc.ReportMetric, "stickydisk.metric") })
        {
            await CallAsync(store, rpc, job, operation);
        }

        // The steps bound these calls (the expose step's 45 s, a settlement's 30 s, a metric's 2 s): a second deadline
        // here would only race the first. A connectivity check is bounded per attempt, which no step does.
        Assert.Equal(5, agent.Timeouts.Count);
        Assert.Equal([AgentRpc.Up], agent.Timeouts.Where(t => t.Timeout is not null).Select(t => t.Rpc));
    }

    [Fact]
    public async Task A_deadline_the_agent_reports_itself_is_a_timeout()
    {
        var job = AgentJob.Generate(9);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.FailWith(AgentRpc.CommitStickyDisk, StatusCode.DeadlineExceeded, "snapshot took too long");
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => store.SettleAsync(new DiskSettlement("expose-9", job.CacheKey, Commit: true, 1), Token));

        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
    }

    [Fact]
    public async Task A_metric_deadline_given_to_the_adapter_makes_a_slow_agent_a_metric_timeout()
    {
        var job = AgentJob.Generate(10);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        var options = job.Options(agent.Address);
        using var store = new AgentStickyDiskStore(options with { MetricTimeout = ShortDeadline });
        await store.UpAsync(Token);
        agent.Hold(AgentRpc.ReportMetric);

        var error = await FailsAsync(job, () => store.ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.HotloadDurationMs, 1234), Token));

        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        Assert.Equal("stickydisk.metric", error.Operation);
        Assert.Single(agent.Metrics);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Cancellation_by_the_caller_is_cancellation_not_an_external_failure(AgentRpc rpc, string operation)
    {
        var job = AgentJob.Generate(11);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        var hold = agent.Hold(rpc);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            var call = CallAsync(store, rpc, job, operation, caller.Token);
            await hold.WaitUntilReachedAsync(Token);
            await caller.CancelAsync();
            await call;
        });

        Assert.Equal(caller.Token, error.CancellationToken);
        Assert.DoesNotContain(job.Token, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(operation, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_sends_nothing()
    {
        var job = AgentJob.Generate(12);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ExposeAsync(job.CacheKey, new CancellationToken(canceled: true)));

        Assert.Empty(agent.Calls);
    }

    [Theory]
    [InlineData(13, 8_123_456_789L)]
    [InlineData(14, 0L)]
    public async Task Commit_sends_should_commit_the_measured_usage_and_the_token(int seed, long usage)
    {
        var job = AgentJob.Generate(seed);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        await store.SettleAsync(new DiskSettlement($"expose-{seed}", job.CacheKey, Commit: true, usage), Token);

        var request = Assert.Single(agent.Commits);
        Assert.Equal(new RecordedCommit($"expose-{seed}", job.CacheKey, job.VmId, ShouldCommit: true, job.RepoName, job.Token, usage), request);
    }

    [Fact]
    public async Task Commit_without_a_measurement_sends_zero_usage()
    {
        var job = AgentJob.Generate(15);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        await store.SettleAsync(new DiskSettlement("expose-15", job.CacheKey, Commit: true, FsUsageBytes: null), Token);

        Assert.Equal(0, Assert.Single(agent.Commits).FsDiskUsageBytes);
    }

    [Fact]
    public async Task Release_sends_should_commit_false_for_the_same_exposure()
    {
        var job = AgentJob.Generate(16);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));
        var exposed = await store.ExposeAsync(job.CacheKey, Token);

        await store.SettleAsync(new DiskSettlement(exposed.ExposeId, job.CacheKey, Commit: false, FsUsageBytes: null), Token);

        var request = Assert.Single(agent.Commits);
        Assert.False(request.ShouldCommit);
        Assert.Equal(exposed.ExposeId, request.ExposeId);
        Assert.Equal(job.Token, request.Token);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_connection_dropped_mid_call_is_interrupted_not_transient(AgentRpc rpc, string operation)
    {
        var job = AgentJob.Generate(17);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.DropConnection(rpc);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => CallAsync(store, rpc, job, operation));

        // The agent got the call: it may have exposed or committed before the connection broke.
        Assert.Equal(ExternalErrorKind.Interrupted, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Contains("may have carried it out", error.Message, StringComparison.Ordinal);
        Assert.Equal(operation, error.Operation);
        Assert.Equal([rpc], agent.Calls);
    }

    [Fact]
    public async Task A_stream_reset_mid_call_is_a_failure()
    {
        var job = AgentJob.Generate(18);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.ResetStream(AgentRpc.GetStickyDisk);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var error = await FailsAsync(job, () => store.ExposeAsync(job.CacheKey, Token));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
    }

    [Fact]
    public async Task No_agent_listening_is_unavailable()
    {
        var job = AgentJob.Generate(19);
        Uri address;
        await using (var gone = await FakeStickyDiskAgent.StartAsync(Token))
        {
            address = gone.Address;
        }

        using var store = new AgentStickyDiskStore(job.Options(address));

        var error = await FailsAsync(job, () => store.UpAsync(Token));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task The_store_keeps_one_connection_for_all_its_calls()
    {
        var job = AgentJob.Generate(20);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        await store.UpAsync(Token);
        var exposed = await store.ExposeAsync(job.CacheKey, Token);
        await store.ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.HotloadDurationMs, 10), Token);
        await store.SettleAsync(new DiskSettlement(exposed.ExposeId, job.CacheKey, Commit: true, 1), Token);

        Assert.Equal([AgentRpc.Up, AgentRpc.GetStickyDisk, AgentRpc.ReportMetric, AgentRpc.CommitStickyDisk], agent.Calls);
        Assert.Equal(1, agent.ConnectionsAccepted);
    }

    [Fact]
    public async Task Dispose_closes_the_connection_and_later_calls_are_refused()
    {
        var job = AgentJob.Generate(21);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        var store = new AgentStickyDiskStore(job.Options(agent.Address));
        await store.UpAsync(Token);
        Assert.Equal(1, agent.OpenConnections);

        store.Dispose();

        // Bounded only so a regression fails instead of hanging; a closed connection ends this at once.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(TimeSpan.FromSeconds(20));
        await agent.WaitForNoConnectionsAsync(bound.Token);
        Assert.Equal(0, agent.OpenConnections);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.UpAsync(Token));
        Assert.Equal([AgentRpc.Up], agent.Calls);
    }

    [Theory]
    [InlineData(StickyDiskMetricKind.HotloadDurationMs, "BPA_HOTLOAD_DURATION_MS")]
    [InlineData(StickyDiskMetricKind.BuildkitdReadyDurationMs, "BPA_BUILDKITD_READY_DURATION_MS")]
    [InlineData(StickyDiskMetricKind.BuildkitdShutdownDurationMs, "BPA_BUILDKITD_SHUTDOWN_DURATION_MS")]
    [InlineData(StickyDiskMetricKind.FeatureUsage, "BPA_FEATURE_USAGE")]
    [InlineData(StickyDiskMetricKind.PruneBytes, "BPA_V2_PRUNE_BYTES")]
    public async Task Each_metric_kind_is_sent_as_its_agent_metric_type_with_an_integer_value(StickyDiskMetricKind kind, string type)
    {
        var job = AgentJob.Generate(22 + (int)kind);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));
        var value = 1_000L + (int)kind;

        await store.ReportMetricAsync(new StickyDiskMetric(kind, value), Token);

        Assert.Equal(new RecordedMetric(job.RepoName, job.Region, type, value, null), Assert.Single(agent.Metrics));
    }

    [Fact]
    public async Task Every_metric_kind_has_its_own_agent_metric_type()
    {
        // A kind added later without a mapping would otherwise surface only when a step first reported it.
        var job = AgentJob.Generate(28);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));
        var kinds = Enum.GetValues<StickyDiskMetricKind>();

        foreach (var kind in kinds)
        {
            await store.ReportMetricAsync(new StickyDiskMetric(kind, 1), Token);
        }

        var types = agent.Metrics.Select(m => m.Type).ToList();
        Assert.Equal(kinds.Length, types.Distinct().Count());
        Assert.All(types, t => Assert.StartsWith("BPA_", t, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public async Task The_token_never_reaches_an_exception_even_when_the_agent_echoes_it(StatusCode code)
    {
        var job = AgentJob.Generate(30);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);
        agent.FailWith(AgentRpc.GetStickyDisk, code, $"bad token {job.Token} for {job.RepoName}");
        agent.FailWith(AgentRpc.CommitStickyDisk, code, $"sticky_disk_token={job.Token}");
        using var store = new AgentStickyDiskStore(job.Options(agent.Address));

        var expose = await FailsAsync(job, () => store.ExposeAsync(job.CacheKey, Token));
        var commit = await FailsAsync(job, () => store.SettleAsync(new DiskSettlement("expose-30", job.CacheKey, true, 5), Token));

        // The rest of the detail survives, so the failure is still diagnosable.
        Assert.Contains(job.RepoName, expose.Message, StringComparison.Ordinal);
        Assert.Contains("sticky_disk_token=[redacted]", commit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_print_without_the_token()
    {
        var job = AgentJob.Generate(31);
        await using var agent = await FakeStickyDiskAgent.StartAsync(Token);

        var text = job.Options(agent.Address).ToString();

        Assert.DoesNotContain(job.Token, text, StringComparison.Ordinal);
        Assert.Contains(agent.Address.ToString(), text, StringComparison.Ordinal);
    }

    /// <summary>Awaits a call that must fail as an external call, and checks the failure carries no secret.</summary>
    private static async Task<ExternalCallException> FailsAsync(AgentJob job, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ExternalCallException>(call);
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(job.Token, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(job.Token, error.ToString(), StringComparison.Ordinal);
        return error;
    }

    private static Task CallAsync(AgentStickyDiskStore store, AgentRpc rpc, AgentJob job, string? operation = null, CancellationToken? cancellationToken = null)
    {
        var token = cancellationToken ?? Token;
        return rpc switch
        {
            AgentRpc.Up => store.UpAsync(token),
            AgentRpc.GetStickyDisk => store.ExposeAsync(job.CacheKey, token),
            AgentRpc.CommitStickyDisk => store.SettleAsync(new DiskSettlement("expose-1", job.CacheKey, Commit: operation != DiskSettlement.ReleaseOperation, 42), token),
            AgentRpc.ReportMetric => store.ReportMetricAsync(new StickyDiskMetric(StickyDiskMetricKind.FeatureUsage, 1), token),
            _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc, null),
        };
    }
}
