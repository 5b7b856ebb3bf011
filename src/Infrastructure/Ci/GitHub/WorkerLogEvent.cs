namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>One fact from a Worker log line.</summary>
/// <param name="Kind">What the line says.</param>
/// <param name="Value">The runner version, the step's display name, or the <c>TaskResult</c> as printed.</param>
internal sealed record WorkerLogEvent(WorkerLogEventKind Kind, string Value);
