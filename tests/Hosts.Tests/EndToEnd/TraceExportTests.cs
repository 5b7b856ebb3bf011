using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Testing.Telemetry;
using static Blacksmith.Hosts.Tests.EndToEnd.SimulatedJobTests;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// A job run as the GitHub runner runs it, with the standard OpenTelemetry variables in the job's environment: post
/// sends the job's lifecycle, as one trace, to a real OTLP receiver on loopback (docs/observability.md).
/// </summary>
public sealed class TraceExportTests : IAsyncLifetime
{
    private readonly RunnerSimulator _runner = RunnerSimulator.Create();
    private OtlpReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await OtlpReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _runner.DisposeAsync();
    }

    [RequiresRunnerFact]
    public async Task Post_sends_the_job_as_one_trace_and_status_otlp_sends_the_same_trace_again()
    {
        var job = await _runner.RunJobAsync([Setup("builder"), Build("api"), Build("web")], Otel(("TRACEPARENT", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));

        AssertGreen(job);
        var export = Assert.Single(_receiver.Exports);
        var spans = export.Spans;
        Assert.All(spans, s => Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", s.TraceId));
        var root = spans.Single(s => s.Name == "job");
        Assert.Equal("00f067aa0ba902b7", root.ParentSpanId);
        Assert.Equal("commit", root.Attributes["blacksmith.decision"]);
        Assert.Equal("shop-image", root.Attributes["blacksmith.cache_key"]);
        var steps = spans.Where(s => s.ParentSpanId == root.SpanId).ToList();
        Assert.Equal(["setup", "build api", "build web", "post"], steps.Select(s => s.Name));
        string[] CallsOf(string step) => [.. spans.Where(s => s.ParentSpanId == steps.Single(x => x.Name == step).SpanId).Select(s => s.Name)];
        Assert.Contains("stickydisk.expose", CallsOf("setup"));
        Assert.Contains("blockdevice.mount", CallsOf("setup"));
        Assert.Contains("buildkitd.spawn", CallsOf("setup"));
        Assert.Contains("buildx.register", CallsOf("setup"));
        Assert.Contains("buildx.build", CallsOf("build web"));
        Assert.Contains("blockdevice.unmount", CallsOf("post"));
        Assert.Contains("stickydisk.settle", CallsOf("post"));
        Assert.Contains(job.Post("builder").Run!.Output.Split('\n'), l => l.Contains($"({spans.Count} spans) sent to", StringComparison.Ordinal));

        // Re-exported later, without the CI's context at hand: the journal remembers it, so it is the same trace.
        var again = await RunnerSimulator.BlacksmithAsync(job, "status", "--otlp", "--job-dir", job.JobDirectory);

        Assert.True(again.ExitCode == 0, again.ToString());
        var second = (await _receiver.WaitForAsync(2, TimeSpan.FromSeconds(30)))[1];
        Assert.Equal(spans.Select(s => (s.TraceId, s.SpanId, s.ParentSpanId, s.Name, s.StartUnixNano, s.EndUnixNano)),
            second.Spans.Select(s => (s.TraceId, s.SpanId, s.ParentSpanId, s.Name, s.StartUnixNano, s.EndUnixNano)));
    }

    [RequiresRunnerFact]
    public async Task A_collector_that_is_down_costs_a_warning_and_never_the_job_or_its_commit()
    {
        _receiver.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;

        var job = await _runner.RunJobAsync([Setup("builder"), Build("api")], Otel());

        Assert.Equal(JobConclusion.Success, job.Conclusion);
        Assert.Contains(job.Post("builder").Warnings, w => w.Contains("could not send the job's trace", StringComparison.Ordinal) && w.Contains("HTTP 503", StringComparison.Ordinal));
        Assert.Equal([1L], await _runner.GenerationsAsync("shop-image"));
        Assert.Equal(1, _receiver.Attempts);
    }

    [RequiresRunnerFact]
    public async Task Without_an_endpoint_or_with_the_SDK_disabled_nothing_is_sent_and_nothing_is_said()
    {
        var plain = await _runner.RunJobAsync([Setup("builder"), Build("api")]);
        var disabled = await _runner.RunJobAsync([Setup("builder"), Build("api")], Otel(("OTEL_SDK_DISABLED", "true")));

        foreach (var job in new[] { plain, disabled })
        {
            AssertGreen(job);
            Assert.DoesNotContain("job's trace", job.Post("builder").Run!.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("spans) sent to", job.Post("builder").Run!.Output, StringComparison.Ordinal);
        }

        Assert.Equal(0, _receiver.Attempts);
    }

    private Dictionary<string, string> Otel(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.HttpEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20not-a-real-token",
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }
}
