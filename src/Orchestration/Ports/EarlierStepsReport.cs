using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Ports;

/// <summary>The answer about earlier steps and where it came from.</summary>
public sealed record EarlierStepsReport(EarlierStepsResult Result, string Source, string? Detail = null);
