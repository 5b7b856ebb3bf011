namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// Identifies the buildkitd process this job started, so that a later process can signal it and tell it
/// apart from an unrelated process that reused the pid.
/// </summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTimeTicks">The kernel's start time of the process (clock ticks since boot, /proc/PID/stat field 22).</param>
/// <param name="Address">The daemon's gRPC address, e.g. <c>tcp://127.0.0.1:1234</c>.</param>
public sealed record DaemonIdentity(int Pid, long StartTimeTicks, string Address);
