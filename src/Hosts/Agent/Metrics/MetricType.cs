namespace Blacksmith.Agent.Metrics;

/// <summary>A metric family's type, as the <c># TYPE</c> line of the text format names it.</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
