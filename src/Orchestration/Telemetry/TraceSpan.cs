namespace Blacksmith.Orchestration.Telemetry;

/// <summary>
/// One span of a job's trace: the job itself, one step (setup, a build, post), or one external call of a step.
/// Identifiers are lowercase hex (span ids 16 digits); <paramref name="ParentSpanId"/> is null only for the job's
/// span when no CI trace context encloses it.
/// </summary>
public sealed record TraceSpan(
    TraceSpanKind Kind,
    string SpanId,
    string? ParentSpanId,
    string Name,
    DateTimeOffset Start,
    DateTimeOffset End,
    TraceSpanStatus Status,
    string? StatusMessage,
    IReadOnlyList<SpanTag> Tags,
    IReadOnlyList<TraceEvent> Events);
