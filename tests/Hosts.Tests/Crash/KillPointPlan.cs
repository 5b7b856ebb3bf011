using Blacksmith.Infrastructure.Failpoints;
using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// The kill points to test, learnt from healthy jobs rather than written down: a healthy job (setup, build, post) run with
/// every step tracing the points it passes, checked against its journal (every effect and transition of the journal is a
/// point of the trace); the post of a failed job, where it parts from a committing one (it releases); and a healthy next
/// job's setup cleaning up after a job killed while it held everything (the sweep's points). A point the engine adds is tested the day it is added.
/// </summary>
internal sealed record KillPointPlan(IReadOnlyList<PlannedPoint> Points)
{
    /// <summary>Where the job the sweep cleans up after was killed: everything acquired and claimed, nothing released.</summary>
    public static readonly KillPoint HoldingEverything = new("claim:BuilderRegistered", 1, KillScope.Process);

    /// <summary>Tells the next job's setup that an earlier job is over: its claim is older than a job may run.</summary>
    public static readonly IReadOnlyDictionary<string, string> EarlierJobsAreOver = new Dictionary<string, string>
    {
        ["BLACKSMITH_MAX_JOB_DURATION"] = "0.001s",
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static KillPointPlan? _derived;

    public IEnumerable<PlannedPoint> In(KillPointPhase phase) => Points.Where(p => p.Phase == phase);

    /// <summary>The plan, derived once per test run (again by the next test, should a derivation fail).</summary>
    public static async Task<KillPointPlan> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _derived ??= await DeriveAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// The points of one step's trace. A call repeated back to back (a readiness probe polled until the daemon answers)
    /// is one moment, however often a run happens to repeat it: only its first pass is a point.
    /// </summary>
    public static IEnumerable<PlannedPoint> FromTrace(KillPointPhase phase, IReadOnlyList<string> trace)
    {
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        string? previous = null;
        for (var i = 0; i < trace.Count; i++)
        {
            var point = trace[i];
            var hit = hits[point] = hits.GetValueOrDefault(point) + 1;
            if (point.StartsWith("effect:", StringComparison.Ordinal) && previous == "recorded:" + point[7..])
            {
                // The repeat and its record.
                if (i + 1 < trace.Count && trace[i + 1] == previous)
                {
                    hits[previous] = hits[previous] + 1;
                    i++;
                }

                continue;
            }

            previous = point;
            yield return new PlannedPoint(phase, point, hit);
        }
    }

    // A derivation whose healthy job met a passing failure is made again, up to this many times in all.
    private const int Derivations = 3;

    private static async Task<KillPointPlan> DeriveAsync()
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < Derivations; attempt++)
        {
            if (await TryDeriveAsync(failures) is { } plan)
            {
                return plan;
            }
        }

        throw new InvalidOperationException($"Every healthy job meant to derive the kill points from had a call fail and be retried: {string.Join("; ", failures)}");
    }

    /// <summary>
    /// The points of a healthy job, or null when one of its calls failed and was retried (a loop device slow to detach on
    /// a loaded machine, say): the retry's points, such as a second <c>stickydisk.settle</c>, are not on the path a
    /// healthy job takes, and a kill run that meets no such failure never reaches them.
    /// </summary>
    private static async Task<KillPointPlan?> TryDeriveAsync(List<string> failures)
    {
        var points = new List<PlannedPoint>();
        await using (var machine = CrashMachine.Create())
        {
            var job = machine.Job(1);
            var setup = Healthy(await job.SetupAsync());
            var build = Healthy(await job.BuildAsync());
            var post = Healthy(await job.PostAsync("success"));
            var traced = setup.Trace.Concat(build.Trace).Concat(post.Trace).ToList();
            var journal = await job.JournalAsync();
            MatchesJournal(traced, journal);
            Clean(machine, "a healthy job");
            if (FailedCalls(journal, "a healthy job", failures))
            {
                return null;
            }

            points.AddRange(FromTrace(KillPointPhase.Setup, setup.Trace));
            points.AddRange(FromTrace(KillPointPhase.Build, build.Trace));
            points.AddRange(FromTrace(KillPointPhase.Post, post.Trace));
        }

        await using (var machine = CrashMachine.Create())
        {
            // A post that releases parts from a committing one at its earlier-steps check; before, they pass the same points.
            var job = machine.Job(1);
            Healthy(await job.SetupAsync());
            var post = Healthy(await job.PostAsync("failed"));
            Clean(machine, "a failed job");
            if (FailedCalls(await job.JournalAsync(), "a failed job", failures))
            {
                return null;
            }

            points.AddRange(FromTrace(KillPointPhase.PostRelease, post.Trace).SkipWhile(p => p.Point != "transition:EarlierStepsChecked"));
        }

        await using (var machine = CrashMachine.Create())
        {
            var killed = await machine.Job(1).SetupAsync(HoldingEverything);
            if (!killed.KilledBySigkill)
            {
                throw new InvalidOperationException($"The job to be swept was not killed at {HoldingEverything}: {killed}");
            }

            var next = machine.Job(2);
            var sweeping = Healthy(await next.SetupAsync(environment: EarlierJobsAreOver));
            Healthy(await next.PostAsync("success"));
            Clean(machine, "a sweep and a healthy job");
            if (FailedCalls(await next.JournalAsync(), "a sweep and a healthy job", failures))
            {
                return null;
            }


            // The sweep runs before the setup's own sequence: its points are the cleanup's and the store's before the first transition.
            points.AddRange(FromTrace(KillPointPhase.Sweep, [.. sweeping.Trace
                .TakeWhile(p => !p.StartsWith("transition:", StringComparison.Ordinal))
                .Where(p => p.StartsWith("cleanup:", StringComparison.Ordinal) || p.StartsWith("store:", StringComparison.Ordinal))]));
        }

        return new KillPointPlan(points);
    }

    /// <summary>Whether an effect of <paramref name="journal"/> did not succeed; if so, which, added to <paramref name="failures"/>.</summary>
    private static bool FailedCalls(IReadOnlyList<JournalRecord> journal, string what, List<string> failures)
    {
        var failed = journal
            .Where(r => r.Kind == JournalRecordKind.Effect
                && r.Payload.TryGetProperty("outcome", out var outcome)
                && outcome.GetString() != nameof(EffectOutcome.Succeeded))
            .Select(r => $"{r.Type} ({r.Payload.GetProperty("outcome").GetString()}: {(r.Payload.TryGetProperty("message", out var m) ? m.GetString() : "no message")})")
            .ToList();
        if (failed.Count > 0)
        {
            failures.Add($"{what}: {string.Join(", ", failed)}");
        }

        return failed.Count > 0;
    }

    private static StepRun Healthy(StepRun step) =>
        step.ExitCode == 0 ? step : throw new InvalidOperationException($"A healthy step failed, so no kill point can be derived: {step}");

    private static void Clean(CrashMachine machine, string what)
    {
        if (machine.Look() is { IsClean: false } state)
        {
            throw new InvalidOperationException($"{what} left {state.Describe()}");
        }
    }

    /// <summary>Every effect of the journal was a point before and after its record, and every transition one after it.</summary>
    private static void MatchesJournal(IReadOnlyList<string> trace, IReadOnlyList<JournalRecord> journal)
    {
        static List<string> Of(IEnumerable<string> points, string prefix) =>
            [.. points.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..])];
        var effects = journal.Where(r => r.Kind == JournalRecordKind.Effect).Select(r => r.Type).ToList();
        var transitions = journal.Where(r => r.Kind == JournalRecordKind.Transition).Select(r => r.Type).ToList();
        if (!effects.SequenceEqual(Of(trace, "effect:")) || !effects.SequenceEqual(Of(trace, "recorded:")) || !transitions.SequenceEqual(Of(trace, "transition:")))
        {
            throw new InvalidOperationException(
                $"The kill points a healthy job passed do not match its journal.\njournal effects: {string.Join(", ", effects)}\n"
                + $"journal transitions: {string.Join(", ", transitions)}\ntrace: {string.Join(", ", trace)}");
        }
    }
}
