using Microsoft.Extensions.Logging;

namespace Blacksmith.Agent.Server;

/// <summary>
/// The agent's log events. Tokens never appear in any of them; fields a caller chose are logged as
/// <see cref="CallerField"/>, which escapes and caps them.
/// </summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on {Addresses} ({Security}); store: {Kind} at {DataDirectory}")]
    public static partial void Listening(ILogger logger, string addresses, string security, string kind, string dataDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Exposed {Key} as {Device} (expose id {ExposeId}) for repo '{Repo}', vm '{VmId}'")]
    public static partial void Exposed(ILogger logger, string key, string device, string exposeId, CallerField repo, CallerField vmId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Decision} exposure {ExposeId} of {Key} (filesystem usage {FsUsageBytes} bytes)")]
    public static partial void Settled(ILogger logger, string decision, string exposeId, string key, long fsUsageBytes);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Nothing to do for the {Asked} of exposure {ExposeId} of {Key}: {Why}")]
    public static partial void NothingToDo(ILogger logger, string asked, string exposeId, string key, string why);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Metric {Type} = {Value} from repo '{Repo}' ({Region}), caller {Caller}")]
    public static partial void Metric(ILogger logger, string type, string value, CallerField repo, CallerField region, string caller);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Method} from {Peer} failed: {Code}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, string peer, string code, string detail);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The caller of GetStickyDisk went away after {Key} was exposed as {ExposeId}; releasing it")]
    public static partial void CallerGone(ILogger logger, string key, string exposeId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "{Method} failed with an unexpected error")]
    public static partial void Bug(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Stopping: new calls are refused; waiting up to {Timeout} for the calls in flight (commits finish)")]
    public static partial void Stopping(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Exposures are leased for {Lease}: every {Interval}, one whose lease ran out is released (never committed) if nothing on this host mounts its device or holds it open")]
    public static partial void Leasing(ILogger logger, string lease, string interval);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "The lease check failed: {Reason}; the next one runs on time")]
    public static partial void LeaseCheckFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "Refusing metrics from {Caller} with RESOURCE_EXHAUSTED: {Reason} (further refusals over the rate are counted, and logged once it sends within it again)")]
    public static partial void MetricRefused(ILogger logger, string caller, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Refused {Count} metric(s) from {Caller} over the rate of {PerMinute} a minute")]
    public static partial void MetricsRefused(ILogger logger, int count, string caller, int perMinute);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Serving Prometheus metrics on {Address}/metrics (no token: counts only, no keys)")]
    public static partial void ServingMetrics(ILogger logger, string address);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Could not count what the store holds for /metrics: {Reason}; blacksmith_agent_store_up is 0 until it can")]
    public static partial void InventoryFailed(ILogger logger, string reason);
}
