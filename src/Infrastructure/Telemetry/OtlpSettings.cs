using System.Globalization;

namespace Blacksmith.Infrastructure.Telemetry;

/// <summary>
/// Where and how to send a job's trace, from the OpenTelemetry SDK's standard variables: <c>OTEL_SDK_DISABLED</c>,
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, the <c>…_PROTOCOL</c>,
/// <c>…_HEADERS</c> and <c>…_TIMEOUT</c> of either. Headers usually carry a collector's credentials: they are sent
/// and never shown.
/// </summary>
public sealed record OtlpSettings(Uri Endpoint, OtlpProtocol Protocol, IReadOnlyList<KeyValuePair<string, string>> Headers, TimeSpan Timeout)
{
    /// <summary>The longest a post waits for a collector, whatever <c>OTEL_EXPORTER_OTLP_TIMEOUT</c> says: export is best effort.</summary>
    public static readonly TimeSpan MaximumTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The wait when no timeout variable is set.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The endpoint as it may be shown: no user name, password, query or fragment.</summary>
    public string Destination => new UriBuilder(Endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri.ToString();

    /// <summary>True when one of the endpoint variables is set, whether or not the rest is valid.</summary>
    public static bool Requested(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    /// <summary>
    /// The settings the variables ask for; null with <paramref name="problem"/> null when export is off (no endpoint,
    /// or <c>OTEL_SDK_DISABLED=true</c>), null with a one-line <paramref name="problem"/> when a value is unusable.
    /// </summary>
    public static OtlpSettings? FromEnvironment(Func<string, string?> environment, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(environment);
        problem = null;
        if (string.Equals(environment("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase) || !Requested(environment))
        {
            return null;
        }

        var protocolText = Variable(environment, "PROTOCOL")?.Trim().ToLowerInvariant() ?? "http/protobuf";
        OtlpProtocol protocol;
        switch (protocolText)
        {
            case "http/protobuf":
                protocol = OtlpProtocol.HttpProtobuf;
                break;
            case "grpc":
                protocol = OtlpProtocol.Grpc;
                break;
            default:
                problem = $"OTEL_EXPORTER_OTLP_PROTOCOL is '{protocolText}'; blacksmith sends traces with http/protobuf or grpc.";
                return null;
        }

        var endpoint = ReadEndpoint(environment, protocol, out problem);
        if (endpoint is null)
        {
            return null;
        }

        var headers = ReadHeaders(Variable(environment, "HEADERS"), out problem);
        if (headers is null)
        {
            return null;
        }

        var timeout = DefaultTimeout;
        if (Variable(environment, "TIMEOUT") is { } timeoutText)
        {
            if (!long.TryParse(timeoutText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds <= 0)
            {
                problem = $"OTEL_EXPORTER_OTLP_TIMEOUT is '{timeoutText}'; it must be a whole number of milliseconds above 0.";
                return null;
            }

            timeout = TimeSpan.FromMilliseconds(Math.Min(milliseconds, (long)MaximumTimeout.TotalMilliseconds));
        }

        return new OtlpSettings(endpoint, protocol, headers, timeout);
    }

    /// <summary>The traces variable when set, else the general one, as the SDK specification orders them.</summary>
    private static string? Variable(Func<string, string?> environment, string name) =>
        environment($"OTEL_EXPORTER_OTLP_TRACES_{name}") is { Length: > 0 } traces ? traces
        : environment($"OTEL_EXPORTER_OTLP_{name}") is { Length: > 0 } general ? general
        : null;

    private static Uri? ReadEndpoint(Func<string, string?> environment, OtlpProtocol protocol, out string? problem)
    {
        problem = null;
        // The traces endpoint is used as it is; the general one is a base that http/protobuf appends v1/traces to.
        var traces = environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")?.Trim();
        var text = string.IsNullOrEmpty(traces) ? environment("OTEL_EXPORTER_OTLP_ENDPOINT")!.Trim() : traces;
        var name = string.IsNullOrEmpty(traces) ? "OTEL_EXPORTER_OTLP_ENDPOINT" : "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"{name} is not an http:// or https:// URL.";
            return null;
        }

        if (protocol == OtlpProtocol.HttpProtobuf && string.IsNullOrEmpty(traces))
        {
            var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
            uri = new UriBuilder(uri) { Path = path + "v1/traces" }.Uri;
        }

        return uri;
    }

    /// <summary>Reads <c>key1=value1,key2=value2</c>, each part URL-encoded (the W3C baggage form the variable uses).</summary>
    private static List<KeyValuePair<string, string>>? ReadHeaders(string? text, out string? problem)
    {
        problem = null;
        var headers = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return headers;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? Uri.UnescapeDataString(part[..equals].Trim()) : string.Empty;
            if (key.Length == 0 || key.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                // Never echo the value: headers carry credentials.
                problem = "OTEL_EXPORTER_OTLP_HEADERS is not a list of key=value pairs separated by commas.";
                return null;
            }

            headers.Add(new(key, Uri.UnescapeDataString(part[(equals + 1)..].Trim())));
        }

        return headers;
    }
}
