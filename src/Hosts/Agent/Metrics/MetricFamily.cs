namespace Blacksmith.Agent.Metrics;

/// <summary>One metric and its series, as scraped.</summary>
internal sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricSeries> Series);
