using System.Net;
using Blacksmith.Infrastructure.Telemetry.Otlp;
using Google.Protobuf;
using Grpc.Core;
using StatusCode = Blacksmith.Infrastructure.Telemetry.Otlp.StatusCode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Testing.Telemetry;

/// <summary>
/// An OpenTelemetry collector's trace receiver on loopback, for tests: OTLP over http/protobuf
/// (<c>POST /v1/traces</c>, HTTP/1.1) on <see cref="HttpEndpoint"/> and over gRPC (h2c) on <see cref="GrpcEndpoint"/>.
/// It decodes every request, keeps it with its headers, and can be told to answer with an HTTP status or to never
/// answer, as a collector that is down, overloaded or stuck would.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedExport> _exports = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    private OtlpReceiver()
    {
    }

    /// <summary>The base address for http/protobuf, e.g. <c>http://127.0.0.1:41234</c> (the exporter adds <c>/v1/traces</c>).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>The address for gRPC.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Answer http/protobuf requests with this status instead of 200; null to accept.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Hold every request until the receiver stops, as a stuck collector does.</summary>
    public bool Hang { get; set; }

    /// <summary>Every request decoded so far, in order.</summary>
    public IReadOnlyList<ReceivedExport> Exports
    {
        get
        {
            lock (_lock)
            {
                return [.. _exports];
            }
        }
    }

    /// <summary>Requests that reached the receiver, answered or not.</summary>
    public int Attempts { get; private set; }

    public static async Task<OtlpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(receiver);
        var app = builder.Build();
        app.MapPost("/v1/traces", (Delegate)receiver.ReceiveHttpAsync);
        app.MapGrpcService<TraceReceiverService>();
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        receiver._app = app;
        receiver.HttpEndpoint = new Uri(addresses[0]);
        receiver.GrpcEndpoint = new Uri(addresses[1]);
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> requests were decoded, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedExport>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Exports.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the receiver got {Exports.Count} export(s), not {count}, within {timeout}");
            }

            await Task.Delay(20);
        }

        return Exports;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    internal async Task<ExportTraceServiceResponse> AcceptAsync(string transport, IReadOnlyDictionary<string, string> headers, ExportTraceServiceRequest request, CancellationToken aborted)
    {
        lock (_lock)
        {
            Attempts++;
        }

        if (Hang)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
            await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            throw new OperationCanceledException("the receiver was told to hang");
        }

        lock (_lock)
        {
            _exports.Add(Decode(transport, headers, request));
        }

        return new ExportTraceServiceResponse();
    }

    private static ReceivedExport Decode(string transport, IReadOnlyDictionary<string, string> headers, ExportTraceServiceRequest request)
    {
        var resource = request.ResourceSpans.FirstOrDefault()?.Resource;
        var scope = request.ResourceSpans.SelectMany(r => r.ScopeSpans).FirstOrDefault()?.Scope;
        var spans = request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(span => new ReceivedSpan(
            Convert.ToHexStringLower(span.TraceId.ToByteArray()),
            Convert.ToHexStringLower(span.SpanId.ToByteArray()),
            span.ParentSpanId.IsEmpty ? null : Convert.ToHexStringLower(span.ParentSpanId.ToByteArray()),
            span.Name,
            (int)span.Kind,
            span.StartTimeUnixNano,
            span.EndTimeUnixNano,
            (int)(span.Status?.Code ?? StatusCode.Unset),
            span.Status?.Message ?? string.Empty,
            span.Flags,
            Attributes(span.Attributes),
            span.Events.Select(e => new ReceivedSpanEvent(e.Name, e.TimeUnixNano, Attributes(e.Attributes))).ToList())).ToList();
        return new ReceivedExport(transport, headers, Attributes(resource?.Attributes ?? []), scope?.Name ?? string.Empty, spans);
    }

    private static Dictionary<string, object> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => (object)a.Value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => a.Value.BoolValue,
            AnyValue.ValueOneofCase.IntValue => a.Value.IntValue,
            AnyValue.ValueOneofCase.DoubleValue => a.Value.DoubleValue,
            _ => "(unsupported value)",
        }, StringComparer.Ordinal);

    private async Task<IResult> ReceiveHttpAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (FailWith is { } status)
        {
            lock (_lock)
            {
                Attempts++;
            }

            return Results.StatusCode((int)status);
        }

        if (context.Request.ContentType != "application/x-protobuf")
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var request = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var response = await AcceptAsync("http/protobuf", headers, request, context.RequestAborted);
        return Results.Bytes(response.ToByteArray(), "application/x-protobuf");
    }

    private sealed class TraceReceiverService(OtlpReceiver receiver) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            var headers = context.RequestHeaders.ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
            return receiver.AcceptAsync("grpc", headers, request, context.CancellationToken);
        }
    }
}
