namespace Blacksmith.Testing.Agent;

/// <summary>A <c>ReportMetric</c> request as the fake agent received it.</summary>
/// <param name="RepoName">The request's <c>repo_name</c>.</param>
/// <param name="Region">The request's <c>region</c>.</param>
/// <param name="Type">The metric type's name in the proto (e.g. <c>BPA_HOTLOAD_DURATION_MS</c>), or its number when the schema has no such value.</param>
/// <param name="IntValue">The <c>int_value</c> of the oneof, null when the other member (or none) was set.</param>
/// <param name="DoubleValue">The <c>double_value</c> of the oneof, null when the other member (or none) was set.</param>
public sealed record RecordedMetric(string RepoName, string Region, string Type, long? IntValue, double? DoubleValue);
