using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>The buildx adapter's log messages.</summary>
internal static partial class BuildxLog
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "docker buildx {Version} is available")]
    public static partial void Available(ILogger logger, string version);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Registered builder {Name} for buildkitd at {Address} and made it current; platforms {Platforms}, BuildKit {BuildkitVersion}")]
    public static partial void Registered(ILogger logger, string name, string address, IReadOnlyList<string> platforms, string buildkitVersion);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Falling back on the current builder {Name} (driver {Driver})")]
    public static partial void ReusingCurrent(ILogger logger, string name, string driver);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "The current builder {Name} cannot serve as the fallback: {Reason}")]
    public static partial void NotReusable(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Fallback builder {Name} (driver docker-container) is current and running{MirrorNote}")]
    public static partial void FallbackReady(ILogger logger, string name, string mirrorNote);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "buildx-version {Requested} was asked for, but this runner has docker buildx {Installed}, which is used: setup-docker-builder downloads no buildx. Install {Requested} in an earlier step to use it")]
    public static partial void BuildxVersionDiffers(ILogger logger, string requested, string installed);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Warning, Message = "buildkit-version {Requested} was asked for, but the builder runs BuildKit {Running}, which is used: setup-docker-builder installs no BuildKit release. Put buildkitd {Requested} on the runner's PATH to use it")]
    public static partial void BuildkitVersionDiffers(ILogger logger, string requested, string running);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Could not remove builder {Name} after its registration failed: {Reason}")]
    public static partial void RollbackFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "Could not delete the fallback's buildkitd config {Path}: {Reason}")]
    public static partial void ScratchNotDeleted(ILogger logger, string path, string reason);
}
