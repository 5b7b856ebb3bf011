namespace Blacksmith.Orchestration.Ports;

/// <summary>One readiness probe's answer.</summary>
/// <param name="Status">Ready, not yet, or the process is gone.</param>
/// <param name="Detail">For an exited daemon, the tail of its log.</param>
/// <param name="CorruptDatabase">For an exited daemon whose log shows a bbolt panic, the database file it names.</param>
public sealed record DaemonProbe(DaemonProbeStatus Status, string? Detail = null, string? CorruptDatabase = null);
