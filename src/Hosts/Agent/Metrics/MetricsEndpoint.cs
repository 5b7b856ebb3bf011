using Microsoft.AspNetCore.Http;

namespace Blacksmith.Agent.Metrics;

/// <summary>
/// <c>GET /metrics</c> on the metrics listener only (<c>--metrics-listen</c>): the store's gauges, refreshed if stale,
/// then every instrument, in the Prometheus text format. No token: it shows counts and times, and no label carries a
/// key, an expose id or anything a caller sent.
/// </summary>
internal sealed class MetricsEndpoint(MetricsCollector collector, StoreGauges gauges)
{
    /// <summary>The port the metrics listener is bound to, once it is; the gRPC listeners never serve metrics.</summary>
    public int Port { get; set; } = -1;

    public async Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The API's listeners speak HTTP/2 only and this one HTTP/1.1 only, so either test alone tells them apart.
        if (context.Connection.LocalPort != Port || HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await gauges.RefreshAsync(context.RequestAborted);
        var text = PrometheusText.Write(collector.Collect());
        context.Response.ContentType = PrometheusText.ContentType;
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}
