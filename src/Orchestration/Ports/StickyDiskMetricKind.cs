namespace Blacksmith.Orchestration.Ports;

/// <summary>The metrics the agent accepts (stickydisk.v1 Metric.MetricType, docker builder ones).</summary>
public enum StickyDiskMetricKind
{
    /// <summary>Milliseconds from asking for the disk to having it mounted.</summary>
    HotloadDurationMs,

    /// <summary>Milliseconds from spawning buildkitd to it listing a worker.</summary>
    BuildkitdReadyDurationMs,

    /// <summary>Milliseconds stopping buildkitd took.</summary>
    BuildkitdShutdownDurationMs,

    /// <summary>A feature-usage counter.</summary>
    FeatureUsage,

    /// <summary>Bytes freed by pruning before shutdown.</summary>
    PruneBytes,
}
