using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>The build adapter's log messages.</summary>
internal static partial class BuildxBuildLog
{
    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "buildx {Version} ({Program})")]
    public static partial void Detected(ILogger logger, BuildxVersion version, string program);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "{Notice}")]
    public static partial void Notice(ILogger logger, string notice);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Build {BuildId}: {Result} after {DurationMs} ms{Detail}")]
    public static partial void Finished(ILogger logger, string buildId, BuildResult result, long durationMs, string detail);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Could not remove the build's temporary directory {Directory}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Debug, Message = "Build {BuildId}: docker buildx with {ArgumentCount} arguments, {SecretCount} secret files in {Directory}")]
    public static partial void Starting(ILogger logger, string buildId, int argumentCount, int secretCount, string directory);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Warning, Message = "Build {BuildId} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string buildId, string reason);
}
