using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>
/// The process a claim names as its job's owner. On GitHub Actions that is the runner's <c>Runner.Worker</c>, one per job
/// and an ancestor of every step, whose end proves the job is over. Elsewhere it is setup's parent (the job's shell),
/// recorded for people reading the claim: it may exit long before the job does, so its end proves nothing.
/// </summary>
public static class JobOwner
{
    private const string WorkerName = "Runner.Worker";
    private const int MaxAncestors = 64;

    /// <summary>The owner of the job <paramref name="pid"/> runs in; null when /proc cannot tell.</summary>
    public static ClaimOwner? Find(int pid)
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
                return new ClaimOwner(stat.Pid, stat.StartTimeTicks, stat.Command, ClaimOwnerKind.RunnerWorker);
            }

            ancestor = stat.ParentPid;
        }

        return ProcStat.TryRead(self.ParentPid) is { } parent ? new ClaimOwner(parent.Pid, parent.StartTimeTicks, parent.Command, ClaimOwnerKind.Parent) : null;
    }

    /// <summary>Whether <paramref name="owner"/> still runs: its pid exists and started when it did.</summary>
    public static bool IsAlive(ClaimOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return ProcessLifetime.IsRunning(new SpawnedProcess(owner.Pid, owner.StartTimeTicks));
    }

    // The apphost's kernel name, or `dotnet …/Runner.Worker.dll`.
    private static bool IsWorker(ProcStat stat) =>
        stat.Command == WorkerName
        || ProcessTree.CommandLine(stat.Pid).Take(2).Any(arg => Path.GetFileName(arg) is WorkerName or WorkerName + ".dll");
}
