using System.Diagnostics;
using Blacksmith.Testing.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Blacksmith.Infrastructure.Tests.Telemetry;

/// <summary>
/// Our OTLP schema (src/Infrastructure/Telemetry/Protos/otlp_trace.proto) is written from the protocol's field numbers,
/// not copied. Here the OpenTelemetry .NET SDK's own exporter sends a span to the test receiver, which decodes it with
/// that schema: every field we send must come out as the SDK meant it, or a number is wrong.
/// </summary>
public sealed class OtlpWireTests : IAsyncLifetime
{
    private OtlpReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await OtlpReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    [InlineData(OtlpExportProtocol.Grpc)]
    public async Task What_the_OpenTelemetry_SDK_sends_decodes_field_for_field_with_our_schema(OtlpExportProtocol protocol)
    {
        var source = $"blacksmith.wire.{Guid.NewGuid():N}";
        using var activitySource = new ActivitySource(source, "9.8.7");
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        Activity? sent;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("wire-check"))
            .AddOtlpExporter(options =>
            {
                options.Protocol = protocol;
                options.Endpoint = protocol == OtlpExportProtocol.Grpc ? _receiver.GrpcEndpoint : new Uri(_receiver.HttpEndpoint, "/v1/traces");
                options.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (sent = activitySource.StartActivity("stickydisk.expose", ActivityKind.Client, parent))
            {
                Assert.NotNull(sent);
                sent.SetTag("blacksmith.call.arg.cacheKey", "shop");
                sent.SetTag("blacksmith.call.duration_ms", 400L);
                sent.SetTag("blacksmith.commit.accepted", true);
                sent.AddEvent(new ActivityEvent("DiskExposed", DateTimeOffset.UtcNow, new ActivityTagsCollection { ["blacksmith.state.to"] = "Mounting" }));
                sent.SetStatus(ActivityStatusCode.Error, "no answer");
            }

            provider.ForceFlush();
        }

        var export = Assert.Single(await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("wire-check", export.Resource["service.name"]);
        Assert.Equal(source, export.ScopeName);
        var span = Assert.Single(export.Spans);
        Assert.Equal(sent.TraceId.ToHexString(), span.TraceId);
        Assert.Equal(sent.SpanId.ToHexString(), span.SpanId);
        Assert.Equal(parent.SpanId.ToHexString(), span.ParentSpanId);
        Assert.Equal(("stickydisk.expose", ReceivedSpan.KindClient), (span.Name, span.Kind));
        Assert.Equal(UnixNanos(sent.StartTimeUtc), span.StartUnixNano);
        Assert.Equal(UnixNanos(sent.StartTimeUtc + sent.Duration), span.EndUnixNano);
        Assert.Equal((ReceivedSpan.StatusError, "no answer"), (span.StatusCode, span.StatusMessage));
        Assert.Equal(1u, span.Flags & 0xff);
        Assert.Equal("shop", span.Attributes["blacksmith.call.arg.cacheKey"]);
        Assert.Equal(400L, span.Attributes["blacksmith.call.duration_ms"]);
        Assert.Equal(true, span.Attributes["blacksmith.commit.accepted"]);
        var @event = Assert.Single(span.Events);
        Assert.Equal("DiskExposed", @event.Name);
        Assert.Equal(UnixNanos(sent.Events.Single().Timestamp.UtcDateTime), @event.TimeUnixNano);
        Assert.Equal("Mounting", @event.Attributes["blacksmith.state.to"]);
    }

    private static ulong UnixNanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;
}
