using System.Globalization;

namespace Blacksmith.Orchestration.Telemetry;

/// <summary>
/// The W3C trace context a CI system hands a job (<c>TRACEPARENT</c>): the job's trace becomes a child of
/// <paramref name="ParentSpanId"/> in trace <paramref name="TraceId"/>.
/// </summary>
/// <param name="TraceId">32 lowercase hex digits, not all zero.</param>
/// <param name="ParentSpanId">16 lowercase hex digits, not all zero.</param>
/// <param name="Sampled">The sampled flag the caller set.</param>
public sealed record TraceParent(string TraceId, string ParentSpanId, bool Sampled)
{
    /// <summary>Reads a <c>traceparent</c> header (version 00); null when it is missing or not one.</summary>
    public static TraceParent? Parse(string? value)
    {
        // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 characters.
        var text = value?.Trim();
        if (text is not { Length: 55 } || text[2] != '-' || text[35] != '-' || text[52] != '-')
        {
            return null;
        }

        var version = text[..2];
        var traceId = text[3..35];
        var spanId = text[36..52];
        var flags = text[53..];
        if (version != "00" || !IsLowerHex(traceId) || !IsLowerHex(spanId) || !IsLowerHex(flags)
            || traceId.All(c => c == '0') || spanId.All(c => c == '0'))
        {
            return null;
        }

        var flagBits = int.Parse(flags, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new TraceParent(traceId, spanId, (flagBits & 1) == 1);
    }

    /// <summary>The header form, as it is journaled with an export.</summary>
    public override string ToString() => $"00-{TraceId}-{ParentSpanId}-{(Sampled ? "01" : "00")}";

    private static bool IsLowerHex(string text) => text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
