namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// A process that runs on a replay's machine besides the replayed job: another job's owner (its runner's
/// <c>Runner.Worker</c>, its shell) or another job's buildkitd. Part of the replay's world (<see cref="ScriptedMachine"/>).
/// </summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTimeTicks">
/// Its kernel start time; null for whatever start time a claim names. A different one is a reused pid: the process a
/// claim names has ended, and is never signalled.
/// </param>
/// <param name="LaunchedFor">
/// For a buildkitd: the job directory whose config its command line names, so that <c>buildkitd.findLaunched</c> finds
/// it for that job even when the job's claim does not name it (a setup killed between the spawn and its record).
/// </param>
public sealed record ScriptedProcess(int Pid, long? StartTimeTicks = null, string? LaunchedFor = null)
{
    /// <summary>Whether this is the process <paramref name="pid"/> started at <paramref name="startTimeTicks"/>.</summary>
    public bool Is(int pid, long startTimeTicks) => Pid == pid && (StartTimeTicks is null || StartTimeTicks == startTimeTicks);
}
