using System.Net;
using System.Net.Sockets;
using Blacksmith.Infrastructure.Telemetry;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Telemetry;
using Blacksmith.Testing.Telemetry;

namespace Blacksmith.Infrastructure.Tests.Telemetry;

/// <summary>The exporter against a real OTLP receiver on loopback, over both transports.</summary>
public sealed class OtlpTraceExporterTests : IAsyncLifetime
{
    private OtlpReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await OtlpReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_trace_arrives_whole_with_its_ids_times_tags_events_and_the_headers(OtlpProtocol protocol)
    {
        var trace = SampleTrace();
        var exporter = new OtlpTraceExporter(Settings(protocol, headers: [new("authorization", "Bearer token-1")]));

        await exporter.ExportAsync(trace, TestContext.Current.CancellationToken);

        var export = Assert.Single(_receiver.Exports);
        Assert.Equal(protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf", export.Transport);
        Assert.Equal("Bearer token-1", export.Headers["authorization"]);
        Assert.Equal("blacksmith", export.Resource["service.name"]);
        Assert.Equal("blacksmith", export.ScopeName);
        Assert.Equal(trace.Spans.Select(s => (s.SpanId, s.ParentSpanId, s.Name)), export.Spans.Select(s => (s.SpanId, s.ParentSpanId, s.Name)));
        Assert.All(export.Spans, s => Assert.Equal(trace.TraceId, s.TraceId));
        var call = export.Spans.Single(s => s.Name == "stickydisk.expose");
        Assert.Equal((ReceivedSpan.KindClient, ReceivedSpan.StatusError, "no answer"), (call.Kind, call.StatusCode, call.StatusMessage));
        Assert.Equal(TimeSpan.FromMilliseconds(400), call.Duration);
        Assert.Equal((ulong)(trace.Spans[2].End - DateTimeOffset.UnixEpoch).Ticks * 100, call.EndUnixNano);
        Assert.Equal(400L, call.Attributes["blacksmith.call.duration_ms"]);
        Assert.Equal("TimedOut", call.Attributes["blacksmith.call.outcome"]);
        Assert.Equal(true, export.Spans[0].Attributes["blacksmith.commit.accepted"]);
        var step = export.Spans.Single(s => s.Name == "setup");
        Assert.Equal(["SetupStarted"], step.Events.Select(e => e.Name));
        Assert.Equal("Mounting", step.Events[0].Attributes["blacksmith.state.to"]);
    }

    [Fact]
    public async Task A_collector_that_answers_503_is_unavailable_and_is_not_asked_again()
    {
        _receiver.FailWith = HttpStatusCode.ServiceUnavailable;

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => new OtlpTraceExporter(Settings(OtlpProtocol.HttpProtobuf)).ExportAsync(SampleTrace(), TestContext.Current.CancellationToken));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _receiver.Attempts);
    }

    [Fact]
    public async Task A_collector_that_refuses_the_request_is_a_failure()
    {
        _receiver.FailWith = HttpStatusCode.Unauthorized;

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => new OtlpTraceExporter(Settings(OtlpProtocol.HttpProtobuf)).ExportAsync(SampleTrace(), TestContext.Current.CancellationToken));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_collector_that_never_answers_is_a_timeout_after_the_settings_wait(OtlpProtocol protocol)
    {
        _receiver.Hang = true;

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => new OtlpTraceExporter(Settings(protocol, timeout: TimeSpan.FromMilliseconds(300))).ExportAsync(SampleTrace(), TestContext.Current.CancellationToken));

        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        Assert.Contains("300 ms", error.Message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Exports);
    }

    [Fact]
    public async Task No_collector_listening_is_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var settings = new OtlpSettings(new Uri($"http://127.0.0.1:{port}/v1/traces"), OtlpProtocol.HttpProtobuf, [], TimeSpan.FromSeconds(3));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => new OtlpTraceExporter(settings).ExportAsync(SampleTrace(), TestContext.Current.CancellationToken));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
    }

    private OtlpSettings Settings(OtlpProtocol protocol, IReadOnlyList<KeyValuePair<string, string>>? headers = null, TimeSpan? timeout = null) =>
        new(
            protocol == OtlpProtocol.Grpc ? _receiver.GrpcEndpoint : new Uri(_receiver.HttpEndpoint, "/v1/traces"),
            protocol,
            headers ?? [],
            timeout ?? TimeSpan.FromSeconds(5));

    private static JobTrace SampleTrace()
    {
        var start = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        return new JobTrace(traceId, null,
        [
            new TraceSpan(TraceSpanKind.Job, "1000000000000001", null, "job", start, start.AddSeconds(2), TraceSpanStatus.Unset, null, [SpanTag.Of("blacksmith.commit.accepted", true)], []),
            new TraceSpan(TraceSpanKind.Step, "1000000000000002", "1000000000000001", "setup", start, start.AddSeconds(1), TraceSpanStatus.Error, "stickydisk.expose failed", [],
                [new TraceEvent("SetupStarted", start, [SpanTag.Of("blacksmith.state.to", "Mounting")])]),
            new TraceSpan(TraceSpanKind.Call, "1000000000000003", "1000000000000002", "stickydisk.expose", start.AddMilliseconds(100), start.AddMilliseconds(500), TraceSpanStatus.Error, "no answer",
                [SpanTag.Of("blacksmith.call.outcome", "TimedOut"), SpanTag.Of("blacksmith.call.duration_ms", 400)], []),
        ]);
    }
}
