namespace Blacksmith.Orchestration.Telemetry;

/// <summary>
/// A job's lifecycle as one trace (<see cref="JobTraceBuilder"/>): the job's span first, then each step's span, then
/// each external call's span. <paramref name="Parent"/> is the CI's trace context the trace was placed under, if any.
/// </summary>
public sealed record JobTrace(string TraceId, TraceParent? Parent, IReadOnlyList<TraceSpan> Spans)
{
    /// <summary>The span that stands for the whole job.</summary>
    public TraceSpan Job => Spans[0];
}
