namespace Blacksmith.Orchestration.Ports;

/// <summary>How unmounting went and what the filesystem held before.</summary>
public sealed record UnmountOutcome(bool Clean, long? FsUsageBytes, string? Detail = null);
