namespace Blacksmith.Orchestration.Ports;

/// <summary>A successful mount; <paramref name="Formatted"/> tells whether the cache starts empty.</summary>
public sealed record MountOutcome(bool Formatted);
