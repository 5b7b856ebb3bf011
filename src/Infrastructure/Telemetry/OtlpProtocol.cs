namespace Blacksmith.Infrastructure.Telemetry;

/// <summary>The OTLP transports the exporter speaks (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>).</summary>
public enum OtlpProtocol
{
    /// <summary><c>http/protobuf</c>: a POST of the binary request to <c>/v1/traces</c> (port 4318 by convention).</summary>
    HttpProtobuf,

    /// <summary><c>grpc</c>: the trace service's Export method over HTTP/2 (port 4317 by convention).</summary>
    Grpc,
}
