using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>The local store's log messages.</summary>
internal static partial class LocalStoreLog
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Information,
        Message = "Exposed {Key} as {Device} (exposure {ExposeId}, from generation {Generation}, {Method})")]
    public static partial void Exposed(ILogger logger, string key, string device, string exposeId, long generation, CloneMethod method);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Committed {Key}: generation {Generation} from exposure {ExposeId}")]
    public static partial void Committed(ILogger logger, string key, long generation, string exposeId);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Released exposure {ExposeId} of {Key} unchanged")]
    public static partial void Released(ILogger logger, string exposeId, string key);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Exposure {ExposeId} of {Key} was left {State} ({Why}); {Action}")]
    public static partial void Recovering(ILogger logger, string exposeId, string key, ExposureState state, string why, string action);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Detached {Device}: it belonged to no exposure")]
    public static partial void DetachedOrphan(ILogger logger, string device);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information,
        Message = "Evicted key {Key} ({Bytes} bytes, last used {LastUsed:o}) to keep the store under its cap of {Cap} bytes")]
    public static partial void Evicted(ILogger logger, string key, long bytes, DateTimeOffset? lastUsed, long cap);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Debug, Message = "Metric {Metric} = {Value} (the local store keeps metrics in its log only)")]
    public static partial void Metric(ILogger logger, StickyDiskMetricKind metric, long value);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Could not clean up {What}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string what, string reason);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Information, Message = "Exposure {ExposeId} was already committed as generation {Generation} of {Key}")]
    public static partial void AlreadyCommitted(ILogger logger, string exposeId, long generation, string key);

    [LoggerMessage(EventId = 3210, Level = LogLevel.Information, Message = "Nothing to release for exposure {ExposeId}: the store has no record of it")]
    public static partial void NothingToRelease(ILogger logger, string exposeId);

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning,
        Message = "The store holds {Bytes} bytes of generations, over its cap of {Cap} bytes, and nothing more may be evicted (keys in use or just committed)")]
    public static partial void StillOverCap(ILogger logger, long bytes, long cap);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "Removed {What}: it belonged to no exposure")]
    public static partial void RemovedOrphan(ILogger logger, string what);

    [LoggerMessage(EventId = 3213, Level = LogLevel.Debug, Message = "Local sticky-disk store at {DataDirectory}: {Mode} mode")]
    public static partial void Started(ILogger logger, string dataDirectory, LocalStoreMode mode);
}
