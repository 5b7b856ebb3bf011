namespace Blacksmith.Orchestration.Claims;

/// <summary>A process named in a claim, with its kernel start time, so that a reused pid is never taken for it.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTimeTicks">Clock ticks since boot at which it started (<c>/proc/&lt;pid&gt;/stat</c> field 22).</param>
/// <param name="Command">The kernel's name for it, for people reading the claim.</param>
/// <param name="Kind">What its end says about the job.</param>
public sealed record ClaimOwner(int Pid, long StartTimeTicks, string? Command, ClaimOwnerKind Kind);
