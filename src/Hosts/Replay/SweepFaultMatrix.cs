using System.Globalization;
using System.Text;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Replay;

/// <summary>
/// The fault matrix of the sweep (docs/reliability.md, "The sweep"): the standard job replayed on a machine where one
/// earlier job ended without its post (its <c>Runner.Worker</c> is gone; its buildkitd runs, its disk is mounted and
/// exposed) and another may still run (a GitLab job whose setup shell exited), once per call the sweep can make and per
/// <see cref="FaultKind"/>, with the fault in the sweep's calls only (the machine's script): the job's own calls stay
/// healthy. It judges what the issue asks of every cleanup: nothing is committed after a failure (the sweep never
/// commits at all), a job that may still run is never touched, and a fault leaves the claim naming what is still held.
/// </summary>
public static class SweepFaultMatrix
{
    /// <summary>The ended job's directory.</summary>
    public const string EndedJob = "/home/runner/_work/_temp/blacksmith/6001-build-1";

    /// <summary>The directory of the job that may still run.</summary>
    public const string RunningJob = "/builds/acme/web/.blacksmith/job-6002";

    private const string EndedRoot = "/var/lib/blacksmith/roots/6001-build-1";
    private const string RunningRoot = "/var/lib/blacksmith/roots/job-6002";

    /// <summary>Calls a healthy sweep of the matrix's machine never makes, and the machine that makes them.</summary>
    public static IReadOnlyDictionary<string, string> Variants { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PortCalls.DaemonProbe.Name] = "the ended job's buildkitd has already exited: the sweep's signal finds it gone and reads why (`probe`)",
    };

    /// <summary>The healthy baseline, then every call of <see cref="PortCalls.Sweep"/> under every fault kind.</summary>
    public static IReadOnlyList<SweepCell> Generate()
    {
        var cells = new List<SweepCell> { Cell(null, null) };
        foreach (var call in PortCalls.Sweep)
        {
            cells.AddRange(FaultMatrix.Kinds.Select(kind => Cell(call, kind)));
        }

        return cells;
    }

    /// <summary>The generated regions of docs/reliability.md's section on the sweep, by name.</summary>
    public static IReadOnlyDictionary<string, string> Sections(IReadOnlyList<SweepCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var variants = new StringBuilder();
        if (Variants.Count > 0)
        {
            variants.Append("| Call | Machine |\n|---|---|\n");
            foreach (var (call, variant) in Variants.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                variants.Append(CultureInfo.InvariantCulture, $"| `{call}` | {variant} |\n");
            }
        }

        var baseline = cells.Single(c => c.Call is null);
        var matrix = new StringBuilder();
        matrix.Append(CultureInfo.InvariantCulture, $"The healthy sweep, no fault: **{Render(baseline)}**; the job that may still run is left alone, and this job commits.\n\n");
        matrix.Append("| Call | ").AppendJoin(" | ", FaultMatrix.Kinds.Select(FaultMatrix.Header)).Append(" |\n");
        matrix.Append("|---|").AppendJoin(string.Empty, FaultMatrix.Kinds.Select(_ => "---|")).Append('\n');
        foreach (var row in cells.Where(c => c.Call is not null).GroupBy(c => c.Call!))
        {
            matrix.Append(CultureInfo.InvariantCulture, $"| `{row.Key}` | ").AppendJoin(" | ", row.Select(Render)).Append(" |\n");
        }

        var problems = new StringBuilder();
        foreach (var cell in cells.Where(c => c.Problems.Count > 0))
        {
            problems.Append(CultureInfo.InvariantCulture, $"- `{cell.Call ?? "healthy"}`, {(cell.Kind is { } kind ? FaultMatrix.Header(kind) : "no fault")}: {string.Join("; ", cell.Problems)}.\n");
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sweep-variants"] = variants.ToString(),
            ["sweep-matrix"] = matrix.ToString(),
            ["sweep-problems"] = problems.Length == 0 ? "None.\n" : problems.ToString(),
        };
    }

    private static string Render(SweepCell cell)
    {
        if (!cell.Reached)
        {
            return "not reached";
        }

        var parts = new List<string> { ExpectationCheck.Name(cell.Ended), cell.Left.Count == 0 ? "released" : $"left: {string.Join(", ", cell.Left)}" };
        parts.AddRange(cell.Hosts);
        if (cell.Job != "commit")
        {
            parts.Add($"this job: {cell.Job}");
        }

        var text = string.Join("; ", parts);
        return cell.Problems.Count == 0 ? text : $"**{text}** ⚠";
    }

    private static SweepCell Cell(string? call, FaultKind? kind)
    {
        var script = call is not null && kind is { } fault
            ? FaultMatrix.Faulted(call, fault, AnsweredByTheMachine(call) ? new ScriptedAnswer { Call = call } : HealthyWorld.Answers[call], crashKillsTheDaemon: false).ToList()
            : [];
        var scenario = new Scenario(
            call is null ? "sweep-healthy" : $"sweep-{call}-{FaultMatrix.Header(kind!.Value).Replace(' ', '-')}",
            "fault matrix (sweep)",
            FaultMatrix.StandardJob(FaultVariant.Standard),
            [],
            new ScenarioExpectations())
        {
            HealthyBase = true,
            Machine = Machine(endedDaemonRuns: call is null || !Variants.ContainsKey(call), script),
        };
        return Judge(call, kind, ReplayRunner.Run(scenario));
    }

    /// <summary>The calls the machine answers from what it holds (a look, a signal, a wait) rather than from the base world.</summary>
    private static bool AnsweredByTheMachine(string call) =>
        PortCalls.IsAny(call, PortCalls.DaemonSignal, PortCalls.DaemonWaitForExit, PortCalls.DaemonProbe, PortCalls.DaemonFindLaunched, PortCalls.BlockDeviceIsMounted, PortCalls.BlockDeviceMountSource, PortCalls.StickyDiskFindExposures);

    private static ScriptedMachine Machine(bool endedDaemonRuns, IReadOnlyList<ScriptedAnswer> script)
    {
        var start = Scenario.DefaultStart;
        var ended = new JobClaim(
            EndedJob,
            new ClaimOwner(3100, 87000, "Runner.Worker", ClaimOwnerKind.RunnerWorker),
            ScriptedMachine.DefaultBootId,
            start.AddMinutes(-40),
            new JobHoldings(EndedRoot, $"unix://{EndedJob}/buildkitd.sock", null, "acme/web")
            {
                Daemon = new DaemonIdentity(5001, 88120, $"unix://{EndedJob}/buildkitd.sock", Root: EndedRoot),
                ExposeId = "exp-6001",
                Device = "/dev/loop3",
                MountPoint = EndedRoot,
            });
        var running = new JobClaim(
            RunningJob,
            new ClaimOwner(6050, 90500, "bash", ClaimOwnerKind.Parent),
            ScriptedMachine.DefaultBootId,
            start.AddHours(-1),
            new JobHoldings(RunningRoot, $"unix://{RunningJob}/buildkitd.sock", null, "acme/web")
            {
                Daemon = new DaemonIdentity(6120, 91000, $"unix://{RunningJob}/buildkitd.sock", Root: RunningRoot),
                ExposeId = "local-6002",
                Device = "/dev/loop5",
                MountPoint = RunningRoot,
            });
        return new ScriptedMachine
        {
            Running = endedDaemonRuns ? [new ScriptedProcess(5001, 88120), new ScriptedProcess(6120, 91000)] : [new ScriptedProcess(6120, 91000)],
            Claims = [ended, running],
            Script = script,
        };
    }

    private static SweepCell Judge(string? call, FaultKind? kind, ReplayReport report)
    {
        var ended = report.Leftovers.LastOrDefault(l => l.JobDirectory == EndedJob);
        var left = ended is null ? [] : Resources(ended.HeldAfter);
        var hosts = report.Hosts.Where(h => h.End != HostEnd.Completed).Select(h => $"{h.Kind} {h.End.ToString().ToLowerInvariant()}").ToList();
        var fallback = report.Outputs.TryGetValue("mode", out var mode) && mode == nameof(BuilderMode.Fallback);
        var job = FaultMatrix.Outcome(report, fallback);
        var problems = new List<string>();
        if (report.Divergence is { } divergence)
        {
            problems.Add($"the replay diverged at {divergence.Call}: {divergence.Reason}");
        }

        if (ended is null)
        {
            problems.Add("no sweep saw the ended job's claim");
        }

        if (report.Leftovers.SelectMany(l => l.Committed).ToList() is { Count: > 0 } committed)
        {
            problems.Add($"asked the store to commit another job's disk ({string.Join(", ", committed)})");
        }

        if (report.CommitAccepted == true && FaultMatrix.Failure(report, fallback, FaultMatrix.Left(report.Effects)) is { } failure)
        {
            problems.Add($"committed after a failure ({failure})");
        }

        foreach (var running in report.Leftovers.Where(l => l.JobDirectory == RunningJob))
        {
            if (running.Outcome != LeftoverOutcome.LeftAlone || running.Calls.Count > 0 || !running.ClaimKept
                || !running.HeldBefore.Describe().SequenceEqual(running.HeldAfter.Describe()))
            {
                problems.Add($"touched the job that may still run ({ExpectationCheck.Name(running.Outcome)}; {running.Calls.Count} call(s) on what it holds; holds {string.Join(", ", running.HeldAfter.Describe())})");
            }
        }

        if (ended is { ClaimKept: false } && left.Count > 0)
        {
            problems.Add($"removed the ended job's claim while the machine still holds its {string.Join(", ", left)}");
        }

        if (kind is null or FaultKind.Error or FaultKind.Transient or FaultKind.Blip or FaultKind.Timeout or FaultKind.Hang && report.Decision is not CommitDecision.Commit)
        {
            problems.Add($"this job did not commit ({job})");
        }

        var reached = call is null
            || report.Leftovers.Any(l => l.Calls.Any(c => c.Call == call))
            || report.Hosts.Any(h => h.End == HostEnd.Hung && h.Detail?.Contains(call, StringComparison.Ordinal) == true);
        return new SweepCell(call, kind, reached, ended?.Outcome ?? LeftoverOutcome.Interrupted, left, ended?.ClaimKept ?? true, hosts, job, problems);
    }

    private static List<string> Resources(HeldOnMachine held)
    {
        var left = new List<string>();
        if (held.Daemons.Count > 0)
        {
            left.Add("daemon");
        }

        if (held.MountPoint is not null)
        {
            left.Add("mount");
        }

        if (held.Exposures.Count > 0)
        {
            left.Add("disk");
        }

        return left;
    }
}
