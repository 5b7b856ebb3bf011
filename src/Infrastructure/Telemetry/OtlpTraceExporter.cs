using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Blacksmith.Infrastructure.Telemetry.Otlp;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Telemetry;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using GrpcStatus = Grpc.Core.StatusCode;

namespace Blacksmith.Infrastructure.Telemetry;

/// <summary>
/// Sends a job's trace to an OpenTelemetry collector with OTLP, over http/protobuf or gRPC, once and within the
/// settings' timeout: export is best effort, so a collector that is slow, down or refusing costs at most that long
/// and is reported, never retried.
/// </summary>
public sealed class OtlpTraceExporter(OtlpSettings settings, HttpMessageHandler? handler = null) : ITraceExporter
{
    private const string Operation = "otlp export";

    private static readonly string ServiceVersion =
        typeof(OtlpTraceExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public string Destination => settings.Destination;

    public async Task ExportAsync(JobTrace trace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var request = OtlpRequest.From(trace, ServiceVersion);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            if (settings.Protocol == OtlpProtocol.Grpc)
            {
                await ExportGrpcAsync(request, timeout.Token);
            }
            else
            {
                await ExportHttpAsync(request, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ExternalCallException(Operation, ExternalErrorKind.Timeout, $"{Destination} did not answer within {settings.Timeout.TotalMilliseconds:0} ms");
        }
        catch (RpcException ex) when (ex.StatusCode == GrpcStatus.DeadlineExceeded || (ex.StatusCode == GrpcStatus.Cancelled && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            throw new ExternalCallException(Operation, ExternalErrorKind.Timeout, $"{Destination} did not answer within {settings.Timeout.TotalMilliseconds:0} ms");
        }
        catch (RpcException ex)
        {
            var kind = ex.StatusCode is GrpcStatus.Unavailable or GrpcStatus.ResourceExhausted ? ExternalErrorKind.Unavailable : ExternalErrorKind.Failed;
            throw new ExternalCallException(Operation, kind, $"{Destination} answered {ex.StatusCode}: {ex.Status.Detail}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ExternalCallException(Operation, ExternalErrorKind.Unavailable, $"{Destination} cannot be reached: {ex.Message}", ex);
        }
    }

    private async Task ExportHttpAsync(ExportTraceServiceRequest request, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var message = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint) { Content = content };
        foreach (var (key, value) in settings.Headers)
        {
            message.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await http.SendAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var kind = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                ? ExternalErrorKind.Unavailable
                : ExternalErrorKind.Failed;
            throw new ExternalCallException(Operation, kind, $"{Destination} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Rejected(body.Length == 0 ? null : ExportTraceServiceResponse.Parser.ParseFrom(body));
    }

    private async Task ExportGrpcAsync(ExportTraceServiceRequest request, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(new UriBuilder(settings.Endpoint) { Path = "/" }.Uri, new GrpcChannelOptions
        {
            HttpHandler = handler ?? new SocketsHttpHandler(),
            DisposeHttpClient = handler is null,
            ServiceConfig = null,
        });
        var headers = new Metadata();
        foreach (var (key, value) in settings.Headers)
        {
            headers.Add(key.ToLowerInvariant(), value);
        }

        var client = new TraceService.TraceServiceClient(channel);
        var response = await client.ExportAsync(request, new CallOptions(headers, DateTime.UtcNow + settings.Timeout, cancellationToken));
        Rejected(response);
    }

    /// <summary>A collector may accept a request and still reject some spans; that is a failure worth a warning.</summary>
    private void Rejected(ExportTraceServiceResponse? response)
    {
        if (response?.PartialSuccess is { RejectedSpans: > 0 } partial)
        {
            throw new ExternalCallException(Operation, ExternalErrorKind.BadReply, $"{Destination} rejected {partial.RejectedSpans} span(s): {partial.ErrorMessage}");
        }
    }
}
