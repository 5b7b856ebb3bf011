using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>How a scripted build ends (<see cref="ScriptedImageBuilder"/>).</summary>
/// <param name="Outcome">Its outcome; <see cref="BuildOutcome.Running"/> when its host is killed while it runs.</param>
/// <param name="Detail">Why it failed, when it did.</param>
/// <param name="DaemonDies">The daemon dies while it runs.</param>
public sealed record ScriptedBuild(BuildOutcome Outcome, string? Detail = null, bool DaemonDies = false);
