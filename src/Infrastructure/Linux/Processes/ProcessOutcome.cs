using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>How one tool invocation ended.</summary>
/// <param name="Command">The command's name (<see cref="ProcessCommand.Name"/>).</param>
/// <param name="ExitCode">The exit code; 128 + the signal number when a signal ended it (137 after a kill).</param>
/// <param name="Duration">From start to exit.</param>
/// <param name="StandardOutput">The last <see cref="ProcessCommand.OutputCaptureLimit"/> characters of standard output.</param>
/// <param name="StandardErrorTail">The last ~4 KiB of standard error, whole lines.</param>
/// <param name="TimedOut">The timeout expired and the process tree was killed.</param>
/// <param name="Cancelled">The caller cancelled and the process tree was killed.</param>
public sealed record ProcessOutcome(
    string Command,
    int ExitCode,
    TimeSpan Duration,
    string StandardOutput,
    string StandardErrorTail,
    bool TimedOut,
    bool Cancelled)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Cancelled;

    /// <summary>The last non-empty line of standard error: what tools put their error message in.</summary>
    public string? LastErrorLine =>
        StandardErrorTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    /// <summary>
    /// Returns this outcome if the command succeeded; otherwise throws <see cref="ExternalCallException"/>
    /// (<see cref="ExternalErrorKind.Timeout"/> or <see cref="ExternalErrorKind.Failed"/>) naming the exit code and the
    /// last error line, or <see cref="OperationCanceledException"/> for a cancelled run.
    /// </summary>
    public ProcessOutcome EnsureSucceeded(string operation)
    {
        if (Cancelled)
        {
            throw new OperationCanceledException($"{operation}: {Command} was cancelled.");
        }

        if (TimedOut)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Timeout, $"{Command} did not finish within {Duration.TotalSeconds:0.#} s and was killed.");
        }

        if (ExitCode != 0)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, Describe()) { ExitCode = ExitCode };
        }

        return this;
    }

    /// <summary>A one-line description for messages: exit code and the last error line.</summary>
    public string Describe() =>
        LastErrorLine is { } line ? $"{Command} exited with code {ExitCode}: {line}" : $"{Command} exited with code {ExitCode}";
}
