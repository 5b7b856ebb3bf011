using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Blacksmith.Orchestration.Ports;
using Grpc.Core;
using Grpc.Health.V1;

namespace Blacksmith.Agent.Tests;

/// <summary>An agent started with a token: every call that touches a disk must carry it.</summary>
public sealed class AgentTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_token_is_rejected_as_unauthenticated_and_exposes_nothing()
    {
        await using var h = new AgentHarness();
        var token = h.Faker.Random.AlphaNumeric(32);
        await h.StartAsync(h.Settings(token));
        var wrong = h.Client(token: h.Faker.Random.AlphaNumeric(32));
        var none = h.Client();

        var rejected = await Assert.ThrowsAsync<ExternalCallException>(() => wrong.ExposeAsync(h.NewKey(), Ct));
        var missing = await Assert.ThrowsAsync<ExternalCallException>(() => none.ExposeAsync(h.NewKey(), Ct));

        Assert.Contains("Unauthenticated", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("not this agent's token", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("requires a token", missing.Message, StringComparison.Ordinal);
        Assert.Empty((await h.ListAsync()).Exposures);
    }

    [Fact]
    public async Task The_engines_client_with_the_right_token_in_the_request_fields_exposes_and_commits()
    {
        await using var h = new AgentHarness();
        var token = h.Faker.Random.AlphaNumeric(32);
        await h.StartAsync(h.Settings(token));
        var client = h.Client(token);
        var key = h.NewKey();

        await client.UpAsync(Ct);
        var disk = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, null), Ct);

        Assert.Equal(disk.ExposeId, Assert.Single(Assert.Single((await h.ListAsync()).Keys).Generations).ExposeId);
    }

    [Fact]
    public async Task Bearer_metadata_is_accepted_and_only_up_health_and_metrics_answer_without_a_token()
    {
        await using var h = new AgentHarness();
        var token = h.Faker.Random.AlphaNumeric(32);
        await h.StartAsync(h.Settings(token));
        var channel = h.Channel();
        var raw = new StickyDiskService.StickyDiskServiceClient(channel);
        var bearer = new Metadata { { "authorization", $"Bearer {token}" } };
        var metric = new ReportMetricRequest { RepoName = "acme/widgets", Metric = new Metric { Type = Metric.Types.MetricType.BpaFeatureUsage, IntValue = 1 } };
        var key = h.NewKey();

        await raw.UpAsync(new UpRequest(), cancellationToken: Ct);
        await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
        await raw.ReportMetricAsync(metric, cancellationToken: Ct);
        await raw.ReportMetricAsync(metric, bearer, cancellationToken: Ct);
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(async () => await raw.GetStickyDiskAsync(new GetStickyDiskRequest { StickyDiskKey = key }, cancellationToken: Ct));
        var disk = await raw.GetStickyDiskAsync(new GetStickyDiskRequest { StickyDiskKey = key }, bearer, cancellationToken: Ct);
        await raw.CommitStickyDiskAsync(new CommitStickyDiskRequest { ExposeId = disk.ExposeId, StickyDiskKey = key, ShouldCommit = false }, bearer, cancellationToken: Ct);

        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.Empty((await h.ListAsync()).Exposures);
    }
}
