using System.Net;
using Blacksmith.Agent.Server;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Grpc.Core;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// <c>ReportMetric</c> as upstream's clients send it: no token (the message has no field for one), from a caller the
/// agent knows only by its address. Raw gRPC calls, since the engine's client never sends what these tests need.
/// </summary>
public sealed class AgentMetricTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_metric_without_a_token_is_accepted_and_logged_by_an_agent_that_requires_one()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings(token: h.Faker.Random.AlphaNumeric(32)));
        var raw = new StickyDiskService.StickyDiskServiceClient(h.Channel());

        await raw.ReportMetricAsync(MetricRequest("acme/widgets", "us-east-1", 1234), cancellationToken: Ct);

        Assert.Contains(h.Logs.GetSnapshot(), r => r.Message.Contains("Metric BpaHotloadDurationMs = 1234 from repo 'acme/widgets'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_caller_over_the_metric_rate_is_refused_with_resource_exhausted_until_its_rate_falls_while_another_caller_is_served()
    {
        await using var h = new AgentHarness();
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        await h.StartAsync(h.Settings(), clock: clock);
        var first = new StickyDiskService.StickyDiskServiceClient(h.Channel(IPAddress.Loopback));
        var second = new StickyDiskService.StickyDiskServiceClient(h.Channel(IPAddress.Parse("127.0.0.2")));

        for (var i = 0; i < MetricAdmission.Burst; i++)
        {
            await first.ReportMetricAsync(MetricRequest("acme/widgets", "local", i), cancellationToken: Ct);
        }

        var over = await Assert.ThrowsAsync<RpcException>(async () => await first.ReportMetricAsync(MetricRequest("acme/widgets", "local", -1), cancellationToken: Ct));
        var overAgain = await Assert.ThrowsAsync<RpcException>(async () => await first.ReportMetricAsync(MetricRequest("acme/widgets", "local", -2), cancellationToken: Ct));
        await second.ReportMetricAsync(MetricRequest("acme/gadgets", "local", 7), cancellationToken: Ct);
        clock.Advance(TimeSpan.FromMinutes(1));
        await first.ReportMetricAsync(MetricRequest("acme/widgets", "local", 8), cancellationToken: Ct);

        Assert.Equal(StatusCode.ResourceExhausted, over.StatusCode);
        Assert.Contains("127.0.0.1", over.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.ResourceExhausted, overAgain.StatusCode);
        var lines = h.Logs.GetSnapshot().Select(r => r.Message).ToList();
        Assert.DoesNotContain(lines, l => l.Contains("= -1 ", StringComparison.Ordinal) || l.Contains("= -2 ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("Refusing metrics from 127.0.0.1", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("Refused 2 metric(s) from 127.0.0.1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("= 7 from repo 'acme/gadgets'", StringComparison.Ordinal) && l.Contains("127.0.0.2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("= 8 from repo 'acme/widgets'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_metric_over_the_size_limit_is_refused_with_resource_exhausted_and_not_logged_as_a_metric()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var raw = new StickyDiskService.StickyDiskServiceClient(h.Channel());
        var huge = h.Faker.Random.AlphaNumeric(MetricAdmission.MaxMessageBytes);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await raw.ReportMetricAsync(MetricRequest(huge, "local", 1), cancellationToken: Ct));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains($"at most {MetricAdmission.MaxMessageBytes} bytes", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), r => r.Message.StartsWith("Metric ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Caller_fields_with_a_newline_and_an_ansi_escape_are_logged_escaped_on_one_line_and_capped()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var raw = new StickyDiskService.StickyDiskServiceClient(h.Channel());
        var forged = "acme/widgets\n2030-01-01T00:00:00.000Z info: Committed exposure local-0 of acme/widgets \u001b[2K\u001b[31mred\u001b[0m";
        var region = new string('r', CallerText.MaxLength * 2) + "\r\n";

        await raw.ReportMetricAsync(MetricRequest(forged, region, 42), cancellationToken: Ct);

        var line = Assert.Single(h.Logs.GetSnapshot(), r => r.Message.StartsWith("Metric ", StringComparison.Ordinal)).Message;
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\u001b', line);
        Assert.Contains(@"acme/widgets\n2030-01-01", line, StringComparison.Ordinal);
        Assert.Contains(@"\u001B[31mred", line, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('r', CallerText.MaxLength + 1), line, StringComparison.Ordinal);
        Assert.Contains($"(+{CallerText.MaxLength + 2} more)", line, StringComparison.Ordinal);
    }

    private static ReportMetricRequest MetricRequest(string repo, string region, long value) => new()
    {
        RepoName = repo,
        Region = region,
        Metric = new Metric { Type = Metric.Types.MetricType.BpaHotloadDurationMs, IntValue = value },
    };
}
