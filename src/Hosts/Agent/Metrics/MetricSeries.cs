namespace Blacksmith.Agent.Metrics;

/// <summary>
/// One series of a family: its labels (sorted by name) and its value; for a histogram, the count of observations at or
/// below each bound (cumulative, as the text format wants them), their sum and their count.
/// </summary>
internal sealed record MetricSeries(
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    double Value,
    IReadOnlyList<double>? Bounds = null,
    IReadOnlyList<long>? Cumulative = null,
    long Count = 0);
