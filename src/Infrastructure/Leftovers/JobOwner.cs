using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>
/// The process whose life is the job's. On GitHub Actions that is the runner's <c>Runner.Worker</c>, one per job and
/// an ancestor of every step (setup's own parent, the action's node launcher, exits with the step). Elsewhere it is
/// setup's parent: the job's shell on GitLab and Buildkite.
/// </summary>
public static class JobOwner
{
    private const string WorkerName = "Runner.Worker";
    private const int MaxAncestors = 64;

    /// <summary>The owner of the job <paramref name="pid"/> runs in; null when /proc cannot tell.</summary>
    public static ClaimedProcess? Find(int pid)
    {
        if (ProcStat.TryRead(pid) is not { } self)
        {
            return null;
        }

        var ancestor = self.ParentPid;
        for (var depth = 0; depth < MaxAncestors && ancestor > 1; depth++)
        {
            if (ProcStat.TryRead(ancestor) is not { } stat)
            {
                break;
            }

            if (IsWorker(stat))
            {
                return Claimed(stat);
            }

            ancestor = stat.ParentPid;
        }

        return ProcStat.TryRead(self.ParentPid) is { } parent ? Claimed(parent) : null;
    }

    /// <summary>Whether <paramref name="owner"/> still runs: its pid exists and started when it did.</summary>
    public static bool IsAlive(ClaimedProcess owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return ProcessLifetime.IsRunning(new SpawnedProcess(owner.Pid, owner.StartTimeTicks));
    }

    // The apphost's kernel name, or `dotnet …/Runner.Worker.dll`.
    private static bool IsWorker(ProcStat stat) =>
        stat.Command == WorkerName
        || ProcessTree.CommandLine(stat.Pid).Take(2).Any(arg => Path.GetFileName(arg) is WorkerName or WorkerName + ".dll");

    private static ClaimedProcess Claimed(ProcStat stat) => new(stat.Pid, stat.StartTimeTicks, stat.Command);
}
