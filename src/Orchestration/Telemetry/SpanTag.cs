namespace Blacksmith.Orchestration.Telemetry;

/// <summary>One attribute of a span or span event (OpenTelemetry's word; .NET says tag): a text, a whole number or a flag.</summary>
public sealed record SpanTag(string Key, string? Text = null, long? Number = null, bool? Flag = null)
{
    public static SpanTag Of(string key, string value) => new(key, Text: value);

    public static SpanTag Of(string key, long value) => new(key, Number: value);

    public static SpanTag Of(string key, bool value) => new(key, Flag: value);
}
