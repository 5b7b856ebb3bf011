using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>The runner's log messages.</summary>
internal static partial class ProcessLog
{
    [LoggerMessage(EventId = 3001, Message = "[{Command}] {Line}")]
    public static partial void OutputLine(ILogger logger, LogLevel level, string command, string line);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Running {Command}: {Program} with {ArgumentCount} arguments")]
    public static partial void Starting(ILogger logger, string command, string program, int argumentCount);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "{Command} exited with code {ExitCode} after {DurationMs} ms")]
    public static partial void Exited(ILogger logger, string command, int exitCode, long durationMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "{Command} timed out after {DurationMs} ms; its process tree was killed")]
    public static partial void TimedOut(ILogger logger, string command, long durationMs);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "{Command} was cancelled after {DurationMs} ms; its process tree was killed")]
    public static partial void Cancelled(ILogger logger, string command, long durationMs);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Could not kill every process of {Command}: {Reason}")]
    public static partial void KillFailed(ILogger logger, string command, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "{Command} exited but something it started still holds its output open; stopped reading it")]
    public static partial void OutputAbandoned(ILogger logger, string command);
}
