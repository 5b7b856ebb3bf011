namespace Blacksmith.Testing.Telemetry;

/// <summary>One span as an <see cref="OtlpReceiver"/> decoded it: ids in lowercase hex, times in Unix nanoseconds.</summary>
public sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    ulong StartUnixNano,
    ulong EndUnixNano,
    int StatusCode,
    string StatusMessage,
    uint Flags,
    IReadOnlyDictionary<string, object> Attributes,
    IReadOnlyList<ReceivedSpanEvent> Events)
{
    /// <summary>OTLP's span kinds and status codes, by number.</summary>
    public const int KindInternal = 1;
    public const int KindClient = 3;
    public const int StatusUnset = 0;
    public const int StatusOk = 1;
    public const int StatusError = 2;

    public TimeSpan Duration => TimeSpan.FromTicks((long)((EndUnixNano - StartUnixNano) / 100));
}
