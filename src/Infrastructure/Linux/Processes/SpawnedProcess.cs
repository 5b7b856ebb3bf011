namespace Blacksmith.Infrastructure.Processes;

/// <summary>A process we started: its pid and its kernel start time, which together name it even after pid reuse.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTimeTicks">Clock ticks since boot at which it started (/proc/PID/stat field 22).</param>
public readonly record struct SpawnedProcess(int Pid, long StartTimeTicks);
