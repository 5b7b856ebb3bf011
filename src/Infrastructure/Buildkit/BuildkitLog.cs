using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>The buildkitd adapter's log messages.</summary>
internal static partial class BuildkitLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Started buildkitd (pid {Pid}) listening on {Address}; config {Config}, log {Log}")]
    public static partial void Spawned(ILogger logger, int pid, string address, string config, string log);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "buildkitd runs under sudo (pid {SudoPid}) as pid {Pid}")]
    public static partial void FoundUnderSudo(ILogger logger, int sudoPid, int pid);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Sent {Signal} to buildkitd (pid {Pid}): {Result}")]
    public static partial void Signalled(ILogger logger, DaemonSignal signal, int pid, SignalDelivery result);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Moved the corrupt BuildKit database {Path} aside to {Target}")]
    public static partial void Quarantined(ILogger logger, string path, string target);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Job directory: {Warning}")]
    public static partial void JobDirectoryWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "A BuildKit daemon this job did not start is in the way, and is left alone: {Evidence}")]
    public static partial void ForeignFound(ILogger logger, string evidence);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Debug, Message = "buildkitd (pid {Pid}) has exited and its sudo is still exiting; it is reaped when it does")]
    public static partial void SudoStillExiting(ILogger logger, int pid);
}
