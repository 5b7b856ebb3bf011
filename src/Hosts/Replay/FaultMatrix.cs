using System.Globalization;
using System.Text;
using System.Text.Json;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Recording;
using ExternalErrorKind = Blacksmith.Orchestration.Ports.ExternalErrorKind;

namespace Blacksmith.Replay;

/// <summary>
/// The fault matrix (docs/reliability.md): for every external call and every <see cref="FaultKind"/>, the standard
/// job replayed on the healthy world with that one call faulted, and what the lifecycle reached: the decision,
/// how the hosts ended, and which resources (the exposed disk, the mount, the daemon) were still acquired at the end.
/// Built on <see cref="ReplayRunner"/> in process and in virtual time, so the whole matrix takes a second or two.
/// </summary>
public static class FaultMatrix
{
    /// <summary>How to regenerate docs/reliability.md; its header says so.</summary>
    public const string RegenerateCommand = "blacksmith replay --fault-matrix --output docs/reliability.md";

    private const string Disk = "disk";
    private const string Mount = "mount";
    private const string Daemon = "daemon";

    /// <summary>The fault kinds, in column order.</summary>
    public static IReadOnlyList<FaultKind> Kinds { get; } = Enum.GetValues<FaultKind>();

    /// <summary>
    /// Calls a healthy standard job never makes, and the variant of it that does (the same job on a slightly
    /// different world or with another input): the baseline of that variant is healthy too, and commits or skips as it says.
    /// </summary>
    public static IReadOnlyDictionary<string, FaultVariant> Variants { get; } = new Dictionary<string, FaultVariant>(StringComparer.Ordinal)
    {
        [PortCalls.BlockDeviceFormat.Name] = new("a blank device (no filesystem yet)", World: [Always(PortCalls.BlockDeviceDetectFilesystem.Name, "null")]),
        [PortCalls.DaemonPrune.Name] = new("`max-cache-size-mb: 1024` (post prunes)", MaxCacheSizeMegabytes: 1024),
        [PortCalls.DaemonQuarantineDatabase.Name] = new(
            "buildkitd dies at its first start on a corrupt cache database",
            World:
            [
                Once(PortCalls.DaemonProbe.Name, """{"status":"Exited","detail":"panic: freepages","corruptDatabase":"/var/lib/buildkit/runc-overlayfs/metadata_v2.db"}"""),
                Always(PortCalls.DaemonProbe.Name, """{"status":"Ready"}"""),
            ]),
        [PortCalls.BuildxActivateFallback.Name] = new("the store refuses to expose the disk (setup falls back)", World: [new ScriptedAnswer { Call = PortCalls.StickyDiskExpose.Name, Reply = ScriptedReply.Fails, ErrorKind = ExternalErrorKind.Failed, Message = "no capacity", Times = null }]),

        // Post looks for what setup acquired only when setup never finished: setup is killed right after an effect,
        // before its record, and post has to find what it left.
        [PortCalls.StickyDiskFindExposures.Name] = new(
            "setup is killed right after the store exposed the disk, before it journaled the exposure",
            World: [KillsHostAfter(PortCalls.StickyDiskExpose.Name, $$"""{"exposeId":"{{HealthyWorld.DefaultExposeId}}","device":"{{HealthyWorld.DefaultDevice}}"}""")]),
        [PortCalls.BlockDeviceMountSource.Name] = new("setup is killed right after the mount call, before it journaled the mount", World: [KillsHostAfter(PortCalls.BlockDeviceMount.Name, null)]),
        [PortCalls.DaemonFindLaunched.Name] = new(
            "setup is killed right after spawning buildkitd, before it journaled the daemon",
            World: [KillsHostAfter(PortCalls.DaemonSpawn.Name, """{"pid":4242,"startTimeTicks":1000,"address":"tcp://127.0.0.1:1234"}""")]),
    };

    /// <summary>Calls no replayed job makes, and why: a replay runs the job driver without its best-effort reports.</summary>
    public static IReadOnlyDictionary<string, string> OutsideReplay { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PortCalls.ControlPlaneBuildStarted.Name] = "the job driver reports a build on the agent's builder to its control plane (`JobDriver.BuildAsync`); replay runs the driver without build reports (`JobReporting.None`)",
        [PortCalls.ControlPlaneBuildFinished.Name] = "the same: the job driver's own call after the build",
        [PortCalls.ControlPlaneFailure.Name] = "the job driver reports failures after the setup and post sequences, on Blacksmith runners only (`FailureReporter`); replay runs it with failure reports off",
        [PortCalls.StickyDiskReportMetric.Name] = "the job driver sends its metrics, best effort under its own 2 s budget; replay runs it without metrics (`JobReporting.None`)",
    };

    /// <summary>The healthy baseline, then every call of <see cref="PortCalls.Scripted"/> under every fault kind.</summary>
    public static IReadOnlyList<FaultCell> Generate()
    {
        var cells = new List<FaultCell> { Cell(null, null, FaultVariant.Standard) };
        foreach (var call in PortCalls.Scripted)
        {
            var variant = Variants.GetValueOrDefault(call, FaultVariant.Standard);
            cells.AddRange(Kinds.Select(kind => Cell(call, kind, variant)));
        }

        return cells;
    }

    /// <summary>
    /// <paramref name="document"/> (docs/reliability.md) with each of its generated regions, the tables and lists
    /// between <c>&lt;!-- generated: NAME --&gt;</c> and <c>&lt;!-- end: NAME --&gt;</c>, made again from the matrix and
    /// the sweep's (<see cref="SweepFaultMatrix"/>); the prose around them is the document's own.
    /// </summary>
    /// <exception cref="InvalidDataException">The document lacks a region, or has one the generator does not make.</exception>
    public static string Markdown(string document, IReadOnlyList<FaultCell> cells, IReadOnlyList<SweepCell> sweep) =>
        GeneratedRegions.Fill(document, Sections(cells, sweep));

    /// <summary>Only what is generated, region after region: what <c>--fault-matrix</c> prints without a document.</summary>
    public static string Tables(IReadOnlyList<FaultCell> cells, IReadOnlyList<SweepCell> sweep) =>
        string.Join("\n", Sections(cells, sweep).Where(s => s.Value.Length > 0).Select(s => s.Value));

    /// <summary>The generated regions of docs/reliability.md, by name.</summary>
    public static IReadOnlyDictionary<string, string> Sections(IReadOnlyList<FaultCell> cells, IReadOnlyList<SweepCell> sweep)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(sweep);
        var variants = new StringBuilder("| Call | Variant |\n|---|---|\n");
        foreach (var (call, variant) in Variants.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            variants.Append(CultureInfo.InvariantCulture, $"| `{call}` | {variant.Description} |\n");
        }

        var outside = new StringBuilder("| Call | Who makes it |\n|---|---|\n");
        foreach (var (call, why) in OutsideReplay.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            outside.Append(CultureInfo.InvariantCulture, $"| `{call}` | {why} |\n");
        }

        var baseline = cells.Single(c => c.Call is null);
        var matrix = new StringBuilder();
        matrix.Append(CultureInfo.InvariantCulture, $"The healthy standard job, no fault: **{Render(baseline)}**.\n\n");
        matrix.Append("| Call | ").AppendJoin(" | ", Kinds.Select(Header)).Append(" |\n");
        matrix.Append("|---|").AppendJoin(string.Empty, Kinds.Select(_ => "---|")).Append('\n');
        foreach (var row in cells.Where(c => c.Call is not null).GroupBy(c => c.Call!))
        {
            matrix.Append(CultureInfo.InvariantCulture, $"| `{row.Key}` | ").AppendJoin(" | ", row.Select(Render)).Append(" |\n");
        }

        var problems = new StringBuilder();
        foreach (var cell in cells.Where(c => c.Problems.Count > 0))
        {
            problems.Append(CultureInfo.InvariantCulture, $"- `{cell.Call}`, {Header(cell.Kind!.Value)}: {string.Join("; ", cell.Problems)}.");
            problems.Append(cell.KnownGap is null ? " Not explained yet.\n" : $" Known gap: {cell.KnownGap}.\n");
        }

        var sections = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["variants"] = variants.ToString(),
            ["outside-replay"] = outside.ToString(),
            ["matrix"] = matrix.ToString(),
            ["problems"] = problems.Length == 0 ? "None.\n" : problems.ToString(),
        };
        foreach (var (name, text) in SweepFaultMatrix.Sections(sweep))
        {
            sections.Add(name, text);
        }

        return sections;
    }

    /// <summary>The column header of a fault kind.</summary>
    public static string Header(FaultKind kind) => kind switch
    {
        FaultKind.HostKilled => "host killed",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Render(FaultCell cell)
    {
        if (!cell.Reached)
        {
            return "not reached";
        }

        var parts = new List<string> { cell.Outcome };
        parts.AddRange(cell.Hosts);
        parts.Add(cell.Left.Count == 0 ? "released" : $"left: {string.Join(", ", cell.Left)}");
        var text = string.Join("; ", parts);
        return cell.Problems.Count == 0 ? text : cell.KnownGap is null ? $"**{text}** ⚠ bug" : $"**{text}** ⚠ known gap";
    }

    private static FaultCell Cell(string? call, FaultKind? kind, FaultVariant variant)
    {
        var world = new List<ScriptedAnswer>(variant.World);
        if (call is not null && kind is { } fault)
        {
            // The variant's own script for the faulted call is replaced by the fault.
            world.RemoveAll(a => a.Call == call);
            world.AddRange(Faulted(call, fault));
        }

        var scenario = new Scenario(
            call is null ? "healthy" : $"{call}-{Header(kind!.Value).Replace(' ', '-')}",
            "fault matrix",
            StandardJob(variant),
            world,
            new ScenarioExpectations())
        { HealthyBase = true, Description = variant.Description };
        var report = ReplayRunner.Run(scenario);
        var reached = call is null
            || report.Effects.Any(e => e.Call == call)
            || report.Hosts.Any(h => h.End == HostEnd.Hung && h.Detail?.Contains(call, StringComparison.Ordinal) == true);
        return Judge(call, kind, reached, report);
    }

    internal static List<HostRun> StandardJob(FaultVariant variant) =>
    [
        new SetupRun("setup-1", new SetupPlanInputs("acme/web", MaxCacheSizeMegabytes: variant.MaxCacheSizeMegabytes)),
        new BuildRun("build-1", "b-1", "app-1", BuildOutcome.Succeeded),
        new BuildRun("build-2", "b-2", "app-2", BuildOutcome.Succeeded),
        new BuildRun("build-3", "b-3", "app-3", BuildOutcome.Succeeded),
        new PostRun("setup-1"),
    ];

    // A look for what a job holds answers truthfully after its fault: a succeeding answer without a value.
    private static IEnumerable<ScriptedAnswer> Faulted(string call, FaultKind kind) =>
        Faulted(call, kind, IsLook(call) ? new ScriptedAnswer { Call = call } : HealthyWorld.Answers[call], KillsTheDaemon(call));

    /// <summary>
    /// The answers that fault <paramref name="call"/> the <paramref name="kind"/> way, <paramref name="answer"/> being its
    /// healthy answer once the fault is over; a crash kills the job's daemon when <paramref name="crashKillsTheDaemon"/>, else
    /// it is an adapter's bug.
    /// </summary>
    internal static IEnumerable<ScriptedAnswer> Faulted(string call, FaultKind kind, ScriptedAnswer answer, bool crashKillsTheDaemon)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var healthy = answer with { Times = null, Origin = "healthy after the fault" };
        var origin = $"fault matrix: {Header(kind)}";
        return kind switch
        {
            FaultKind.Error => [Fails(call, ExternalErrorKind.Failed, "refused (fault matrix)", null, origin)],
            FaultKind.Transient => [Fails(call, ExternalErrorKind.Unavailable, "unavailable (fault matrix)", null, origin)],
            FaultKind.Blip => [Fails(call, ExternalErrorKind.Unavailable, "unavailable once (fault matrix)", 1, origin), healthy],
            FaultKind.Timeout => [Fails(call, ExternalErrorKind.Timeout, "timed out (fault matrix)", null, origin)],
            FaultKind.Hang => [new ScriptedAnswer { Call = call, Reply = ScriptedReply.Hangs, Times = null, Origin = origin }],
            FaultKind.Crash when crashKillsTheDaemon => [healthy with { Times = 1, DaemonDies = true, Origin = origin }, healthy],
            FaultKind.Crash => [new ScriptedAnswer { Call = call, Reply = ScriptedReply.Crashes, Message = $"adapter bug in {call} (fault matrix)", Origin = origin }, healthy],
            _ => [healthy with { Times = 1, KillsHost = true, Origin = origin }, healthy],
        };
    }

    private static bool IsLook(string call) => PortCalls.IsAny(call, PortCalls.StickyDiskFindExposures, PortCalls.BlockDeviceMountSource, PortCalls.DaemonFindLaunched);

    /// <summary>The calls that talk to the job's own daemon process, whose crash is the daemon dying.</summary>
    private static bool KillsTheDaemon(string call) =>
        PortCalls.IsAny(call, PortCalls.DaemonSpawn, PortCalls.DaemonProbe, PortCalls.DaemonSignal, PortCalls.DaemonWaitForExit, PortCalls.DaemonPrune);

    private static ScriptedAnswer Fails(string call, ExternalErrorKind kind, string message, int? times, string origin) =>
        new() { Call = call, Reply = ScriptedReply.Fails, ErrorKind = kind, Message = message, Times = times, Origin = origin };

    private static FaultCell Judge(string? call, FaultKind? kind, bool reached, ReplayReport report)
    {
        var hosts = report.Hosts
            .Where(h => h.End != HostEnd.Completed)
            .Select(h => $"{h.Kind} {h.End.ToString().ToLowerInvariant()}")
            .ToList();
        var left = Left(report.Effects);
        var fallback = report.Outputs.TryGetValue("mode", out var mode) && mode == nameof(BuilderMode.Fallback);
        var outcome = Outcome(report, fallback);
        var clean = hosts.Count == 0 && !fallback && report.Errors.Count == 0 && report.Warnings.Count == 0 && EveryFailureRecovered(report.Effects);

        var problems = new List<string>();
        if (report.Divergence is { } divergence)
        {
            problems.Add($"the replay diverged at {divergence.Call}: {divergence.Reason}");
        }

        if (report.CommitAccepted == true && Failure(report, fallback, left) is { } failure)
        {
            problems.Add($"committed after a failure ({failure})");
        }

        if (clean && report.Decision is not CommitDecision.Commit)
        {
            problems.Add($"a clean job did not commit ({outcome})");
        }

        var postKilled = kind == FaultKind.HostKilled && report.Hosts.Any(h => h.Kind == "post" && h.End == HostEnd.Killed);
        var unexplained = postKilled ? [] : left.Where(resource => !ExplainedBy(call, kind, resource)).ToList();
        if (unexplained.Count > 0)
        {
            problems.Add($"left {string.Join(", ", unexplained)} acquired");
        }

        return new FaultCell(call, kind, reached, outcome, report.Decision, report.CommitAccepted, hosts, left, clean, problems)
        {
            KnownGap = problems.Count > 0 ? KnownGap(call!, kind!.Value) : null,
        };
    }

    internal static string Outcome(ReplayReport report, bool fallback)
    {
        var decision = report.Decision switch
        {
            CommitDecision.Commit when report.CommitAccepted == false => "commit failed",
            CommitDecision.Commit when report.CommitAccepted is null => "commit never sent",
            CommitDecision.Commit => "commit",
            CommitDecision.Skip skip => $"skip {skip.Reason}",
            _ => $"no decision ({report.State})",
        };
        return report.State == LifecycleState.Failed && report.Decision is null ? "fail"
            : fallback ? $"fallback, {decision}"
            : decision;
    }

    /// <summary>Why the job must not have committed, or null: a host that did not complete, a fallback, a resource still held, an earlier-steps check that did not say success.</summary>
    internal static string? Failure(ReplayReport report, bool fallback, List<string> left)
    {
        if (report.Hosts.FirstOrDefault(h => h.End != HostEnd.Completed && h.Kind != "post") is { } host)
        {
            return $"{host.Kind} {host.Session} {host.End.ToString().ToLowerInvariant()}";
        }

        if (fallback)
        {
            return "the builds ran on the fallback builder";
        }

        if (left.Count > 0)
        {
            return $"{string.Join(", ", left)} still acquired";
        }

        var check = report.Effects.LastOrDefault(e => e.Call == PortCalls.EarlierStepsCheck.Name);
        return check is { Outcome: EffectOutcome.Succeeded, Detail: { } detail } && detail.Contains("\"Succeeded\"", StringComparison.Ordinal)
            ? null
            : "the earlier-steps check did not say success";
    }

    /// <summary>
    /// Problems the matrix shows that are known and reported, not yet fixed; null for any other. Each names why,
    /// so the document says it next to the cell.
    /// </summary>
    private static string? KnownGap(string call, FaultKind kind)
    {
        // None is known today: a setup killed between an effect and its record is reconciled by post, and a post that
        // cannot release something fails and leaves it named in the job's claim. A new gap gets its reason here.
        _ = (call, kind);
        return null;
    }

    /// <summary>
    /// A persistent fault (or a crash) on a resource's own release call may leave it acquired: nothing else could release
    /// it. It also leaves what must not be released under it: no unmount from under a daemon that may still run, no
    /// release of a disk that may still be mounted. The post then fails and the claim names all of it for a later cleanup.
    /// </summary>
    private static bool ExplainedBy(string? call, FaultKind? kind, string resource) =>
        kind is FaultKind.Error or FaultKind.Transient or FaultKind.Timeout or FaultKind.Hang or FaultKind.Crash
        && resource switch
        {
            Disk => PortCalls.IsAny(call, PortCalls.StickyDiskSettle, PortCalls.BlockDeviceUnmount, PortCalls.DaemonSignal, PortCalls.DaemonWaitForExit, PortCalls.StickyDiskFindExposures, PortCalls.BlockDeviceMountSource, PortCalls.DaemonFindLaunched),
            Mount => PortCalls.IsAny(call, PortCalls.BlockDeviceUnmount, PortCalls.DaemonSignal, PortCalls.DaemonWaitForExit, PortCalls.BlockDeviceMountSource, PortCalls.DaemonFindLaunched),
            Daemon => PortCalls.IsAny(call, PortCalls.DaemonSignal, PortCalls.DaemonWaitForExit, PortCalls.DaemonFindLaunched),
            _ => false,
        };

    /// <summary>Every call whose attempt failed was attempted again, for the same session, and that later attempt succeeded.</summary>
    private static bool EveryFailureRecovered(IReadOnlyList<ReplayEffect> effects) =>
        effects
            .GroupBy(e => (e.Session, e.Call))
            .All(g => g.Last().Outcome == EffectOutcome.Succeeded);

    /// <summary>What is still acquired at the end of the job, judged from the calls alone (the world's view, not the lifecycle's).</summary>
    internal static List<string> Left(IReadOnlyList<ReplayEffect> effects)
    {
        var left = new List<string>();
        if (Holds(effects, e => Succeeded(e, PortCalls.StickyDiskExpose.Name), e => Succeeded(e, PortCalls.StickyDiskSettle.Name)))
        {
            left.Add(Disk);
        }

        if (Holds(effects, e => Succeeded(e, PortCalls.BlockDeviceMount.Name), e => Succeeded(e, PortCalls.BlockDeviceUnmount.Name)))
        {
            left.Add(Mount);
        }

        if (Holds(effects, e => Succeeded(e, PortCalls.DaemonSpawn.Name), DaemonGone))
        {
            left.Add(Daemon);
        }

        return left;
    }

    private static bool Holds(IReadOnlyList<ReplayEffect> effects, Func<ReplayEffect, bool> acquires, Func<ReplayEffect, bool> releases)
    {
        var last = effects.Select((e, i) => (e, i)).LastOrDefault(x => acquires(x.e), (null!, -1)).Item2;
        return last >= 0 && !effects.Skip(last + 1).Any(releases);
    }

    private static bool DaemonGone(ReplayEffect effect) => effect.Outcome == EffectOutcome.Succeeded
        && ((effect.Call == PortCalls.DaemonSignal.Name && effect.Detail == "\"AlreadyGone\"") || (effect.Call == PortCalls.DaemonWaitForExit.Name && effect.Detail == "true"));

    private static bool Succeeded(ReplayEffect effect, string call) => effect.Call == call && effect.Outcome == EffectOutcome.Succeeded;

    private static ScriptedAnswer Once(string call, string json) => Always(call, json) with { Times = 1 };

    private static ScriptedAnswer KillsHostAfter(string call, string? json) => json is null
        ? new ScriptedAnswer { Call = call, KillsHost = true, Times = 1, Origin = "fault matrix variant" }
        : Once(call, json) with { KillsHost = true };

    private static ScriptedAnswer Always(string call, string json)
    {
        using var document = JsonDocument.Parse(json);
        return new ScriptedAnswer { Call = call, Value = document.RootElement.Clone(), Times = null, Origin = "fault matrix variant" };
    }
}
