namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// Identifies the buildkitd process this job started, so that a later process can signal it and tell it
/// apart from an unrelated process that reused the pid, show the tail of its log, and find its root.
/// </summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTimeTicks">The kernel's start time of the process (clock ticks since boot, /proc/PID/stat field 22).</param>
/// <param name="Address">The daemon's gRPC address, e.g. <c>tcp://127.0.0.1:1234</c>.</param>
/// <param name="LogPath">
/// Where the daemon's output goes (in the job directory). Null in journals written before it was recorded, and for
/// a daemon that has no log of its own.
/// </param>
/// <param name="Root">The daemon's BuildKit root (the sticky disk's mount point); null in journals written before it was recorded.</param>
public sealed record DaemonIdentity(int Pid, long StartTimeTicks, string Address, string? LogPath = null, string? Root = null);
