namespace Blacksmith.Testing.Telemetry;

/// <summary>One event of a received span.</summary>
public sealed record ReceivedSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object> Attributes);
