using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Ports;

/// <summary>How stopping the daemon went.</summary>
public sealed record DaemonStopResult(DaemonStopOutcome Outcome, string? Detail = null);
