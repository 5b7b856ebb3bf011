namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>A process named in a claim: its pid and kernel start time, so a reused pid is never taken for it.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTimeTicks">Clock ticks since boot at which it started (<c>/proc/&lt;pid&gt;/stat</c> field 22).</param>
/// <param name="Command">The kernel's name for it then, for the log.</param>
public sealed record ClaimedProcess(int Pid, long StartTimeTicks, string? Command = null);
