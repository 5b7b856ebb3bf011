namespace Blacksmith.Orchestration.Ports;

/// <summary>One metric for the sticky-disk store, e.g. how long the disk took to expose.</summary>
public sealed record StickyDiskMetric(StickyDiskMetricKind Kind, long Value);
