using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>The Ceph store's log messages.</summary>
internal static partial class CephStoreLog
{
    [LoggerMessage(EventId = 3501, Level = LogLevel.Information,
        Message = "Exposed {Key} as {Device} (exposure {ExposeId}, image {Image}, from generation {Generation}, chain depth {Depth}, {Attach})")]
    public static partial void Exposed(ILogger logger, string key, string device, string exposeId, string image, long generation, int depth, string attach);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "Committed {Key}: generation {Generation} (image {Image}) from exposure {ExposeId}")]
    public static partial void Committed(ILogger logger, string key, long generation, string image, string exposeId);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information, Message = "Released exposure {ExposeId} of {Key} unchanged")]
    public static partial void Released(ILogger logger, string exposeId, string key);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Warning, Message = "Exposure {ExposeId} of {Key} was left {State} ({Why}); {Action}")]
    public static partial void Recovering(ILogger logger, string exposeId, string key, CephExposureState state, string why, string action);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Warning, Message = "Detached exposure {ExposeId}'s attachment: the cluster has no record of it on this host")]
    public static partial void DetachedOrphan(ILogger logger, string exposeId);

    [LoggerMessage(EventId = 3506, Level = LogLevel.Information, Message = "Flattened {Key}'s head {Image} (chain depth {Depth} > {Limit}) in {Milliseconds} ms")]
    public static partial void Flattened(ILogger logger, string key, string image, int depth, int limit, long milliseconds);

    [LoggerMessage(EventId = 3507, Level = LogLevel.Information, Message = "Removed image {Image} of {Key}: no kept generation and no open exposure depends on it")]
    public static partial void Collected(ILogger logger, string image, string key);

    [LoggerMessage(EventId = 3508, Level = LogLevel.Information,
        Message = "Evicted key {Key} ({Bytes} bytes, last used {LastUsed:o}) to keep the store under its cap of {Cap} bytes")]
    public static partial void Evicted(ILogger logger, string key, long bytes, DateTimeOffset? lastUsed, long cap);

    [LoggerMessage(EventId = 3509, Level = LogLevel.Warning, Message = "Could not clean up {What}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string what, string reason);

    [LoggerMessage(EventId = 3510, Level = LogLevel.Information, Message = "Exposure {ExposeId} was already committed as generation {Generation} of {Key}")]
    public static partial void AlreadyCommitted(ILogger logger, string exposeId, long generation, string key);

    [LoggerMessage(EventId = 3511, Level = LogLevel.Information, Message = "Nothing to release for exposure {ExposeId}: the cluster has no record of it")]
    public static partial void NothingToRelease(ILogger logger, string exposeId);

    [LoggerMessage(EventId = 3512, Level = LogLevel.Debug, Message = "Metric {Metric} = {Value} (the Ceph store keeps metrics in its log only)")]
    public static partial void Metric(ILogger logger, Orchestration.Ports.StickyDiskMetricKind metric, long value);

    [LoggerMessage(EventId = 3513, Level = LogLevel.Information, Message = "Ceph store: pool {Pool}, namespace {Namespace}, config {Config}, user {User}, {Attach}, agent {Agent}")]
    public static partial void Started(ILogger logger, string pool, string @namespace, string config, string user, string attach, string agent);

    [LoggerMessage(EventId = 3514, Level = LogLevel.Warning, Message = "Maintenance of {Key} failed: {Reason}; the next commit of the key tries again")]
    public static partial void MaintenanceFailed(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 3515, Level = LogLevel.Warning,
        Message = "The store's images use {Bytes} bytes, over its cap of {Cap} bytes, and nothing more may be evicted (keys in use or just committed)")]
    public static partial void StillOverCap(ILogger logger, long bytes, long cap);
}
