namespace Blacksmith.Orchestration.Ports;

/// <summary>A platform failure worth the control plane's attention.</summary>
/// <param name="Kind">Which part failed.</param>
/// <param name="CacheKey">The sticky-disk key of the job.</param>
/// <param name="Event">What was being done (e.g. <c>mount</c>).</param>
/// <param name="Message">The error, without secrets.</param>
public sealed record FailureReport(FailureKind Kind, string CacheKey, string Event, string Message);
