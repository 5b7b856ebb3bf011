using System.Text.RegularExpressions;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// The lines of a runner Worker log that tell step results (protocols §5.1). Each trace line starts with
/// <c>[yyyy-MM-dd HH:mm:ssZ LEVEL Component] </c>; continuation lines of multi-line messages (the job message, the
/// telemetry JSON) have no prefix and are never matched, so text from the workflow cannot pose as a result.
/// </summary>
internal static partial class WorkerLogLine
{
    /// <summary>What a line says, or null for any other line.</summary>
    public static WorkerLogEvent? Parse(string line)
    {
        var match = Prefix().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var source = match.Groups["source"].ValueSpan;
        var message = line.AsSpan(match.Length);
        if (source.SequenceEqual("Worker") && message.StartsWith("Version: ", StringComparison.Ordinal))
        {
            // Runner.Worker's Program logs its version first thing: a new Worker process, so a new job, starts here.
            return new WorkerLogEvent(WorkerLogEventKind.WorkerStarted, message["Version: ".Length..].ToString());
        }

        if (!source.SequenceEqual("StepsRunner"))
        {
            return null;
        }

        if (Strip(message, "Processing step: DisplayName='", "'") is { } step)
        {
            return new WorkerLogEvent(WorkerLogEventKind.StepStarted, step);
        }

        if (message.StartsWith("Step result: ", StringComparison.Ordinal))
        {
            return new WorkerLogEvent(WorkerLogEventKind.StepResult, message["Step result: ".Length..].Trim().ToString());
        }

        if (Strip(message, "Current state: job state = '", "'") is { } state)
        {
            return new WorkerLogEvent(WorkerLogEventKind.JobState, state);
        }

        return null;
    }

    private static string? Strip(ReadOnlySpan<char> message, string prefix, string suffix) =>
        message.StartsWith(prefix, StringComparison.Ordinal) && message.EndsWith(suffix, StringComparison.Ordinal)
            && message.Length >= prefix.Length + suffix.Length
            ? message[prefix.Length..^suffix.Length].ToString()
            : null;

    // HostTraceListener.WriteHeader: "[{0:u} {1} {2}] " with the level padded to four characters ("ERR ").
    [GeneratedRegex(@"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z (?:INFO|VERB|WARN|ERR |CRIT) (?<source>[^\]\s]+)\] ", RegexOptions.CultureInvariant)]
    private static partial Regex Prefix();
}
