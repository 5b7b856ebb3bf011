namespace Blacksmith.Orchestration.Telemetry;

/// <summary>Something that happened at one moment of a span: here, a lifecycle transition.</summary>
public sealed record TraceEvent(string Name, DateTimeOffset Time, IReadOnlyList<SpanTag> Tags);
