using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Properties;

/// <summary>
/// A random job up to its post: a setup (sticky disk, sometimes failing at any step and sometimes falling back, or
/// a foreign builder), later sessions attaching (now and then with the wrong cache key), overlapping builds with
/// random outcomes (some never finish), events fired where they do not belong, and attached sessions' posts. Then,
/// sometimes, part of the owner's post, and sometimes a crash that cuts the journal at a random record.
/// </summary>
internal sealed record JobScript(IReadOnlyList<JobStep> Steps, int? PartialPostSteps, bool Crashes)
{
    private static readonly string[] SetupStepNames = ["setup", "expose", "mount", "spawn", "ready", "register"];

    public static JobScript Generate(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var steps = new List<JobStep>();
        var setup = new SetupFacts(
            TestEvents.CacheKey,
            f.PickRandom("agent", "local"),
            f.Random.WeightedRandom([CommitMode.Auto, CommitMode.AlwaysOnSuccess, CommitMode.Never], [0.6f, 0.25f, 0.15f]),
            ForkPullRequest: f.Random.Bool(0.25f),
            ReleaseOnSkip: f.Random.Bool(0.8f));

        if (f.Random.Bool(0.1f))
        {
            steps.Add(new(TestSessions.Owner, [new BuilderAttached(setup, "existing", "tcp://127.0.0.1:4321", "a builder was already running")]));
        }
        else
        {
            AddSetup(f, setup, steps);
        }

        AddSessionsAndBuilds(f, setup, steps);
        return new(steps, f.Random.Bool(0.3f) ? f.Random.Int(1, 6) : null, f.Random.Bool(0.4f));
    }

    private static void AddSetup(Faker f, SetupFacts setup, List<JobStep> steps)
    {
        LifecycleEvent[] all =
        [
            new SetupStarted(setup),
            new DiskExposed($"expose-{f.Random.Hexadecimal(6, string.Empty)}", "/dev/vdb"),
            new DiskMounted("/var/lib/buildkit", f.Random.Bool()),
            new DaemonSpawned(new DaemonIdentity(f.Random.Int(100, 90_000), f.Random.Long(1, 1_000_000), "tcp://127.0.0.1:1234")),
            new DaemonReady(f.Random.Long(1, 30_000)),
            new BuilderRegistered("blacksmith"),
        ];
        int? succeeded = f.Random.Bool(0.3f) ? f.Random.Int(1, all.Length - 1) : null;
        var events = all.Take(succeeded ?? all.Length).ToList();

        // One command per setup step, now and then two steps journaled together.
        for (var i = 0; i < events.Count; i++)
        {
            if (i + 1 < events.Count && f.Random.Bool(0.15f))
            {
                steps.Add(new(TestSessions.Owner, [events[i], events[i + 1]]));
                i++;
            }
            else
            {
                steps.Add(new(TestSessions.Owner, [events[i]]));
            }
        }

        if (succeeded is int done)
        {
            steps.Add(new(TestSessions.Owner, [new SetupFailed(SetupStepNames[done], "it failed")]));
            if (f.Random.Bool())
            {
                steps.Add(new(TestSessions.Owner, [new FallbackActivated("fallback", "setup failed")]));
            }
        }
    }

    private static void AddSessionsAndBuilds(Faker f, SetupFacts setup, List<JobStep> steps)
    {
        var waiting = Enumerable.Range(1, f.Random.Int(0, 2)).Select(i => $"attached-{i}").ToList();
        var sessions = new List<string> { TestSessions.Owner };
        var builds = f.Random.Int(0, 5);
        var started = 0;
        var running = new List<(string Id, string Session)>();
        for (var turn = 0; turn < 200 && (started < builds || running.Count > 0 || waiting.Count > 0); turn++)
        {
            switch (f.Random.Int(0, 3))
            {
                case 0 when waiting.Count > 0:
                    var session = waiting[0];
                    waiting.RemoveAt(0);
                    sessions.Add(session);
                    steps.Add(new(session, [new SessionAttached(f.Random.Bool(0.85f) ? setup.CacheKey : TestEvents.OtherCacheKey)]));
                    break;
                case 1 when started < builds:
                    var build = ($"b{started++}", f.PickRandom(sessions));
                    running.Add(build);
                    steps.Add(new(build.Item2, [new BuildStarted(build.Item1, $"image {build.Item1}")]));
                    break;
                case 2 when running.Count > 0:
                    var finishing = f.PickRandom(running);
                    running.Remove(finishing);
                    if (f.Random.Bool(0.85f))
                    {
                        var outcome = f.Random.WeightedRandom([BuildOutcome.Succeeded, BuildOutcome.Failed, BuildOutcome.Cancelled], [0.85f, 0.1f, 0.05f]);
                        steps.Add(new(finishing.Session, [new BuildFinished(finishing.Id, outcome)]));
                    }

                    break;
                case 3 when f.Random.Bool(0.3f):
                    steps.Add(Noise(f, setup));
                    break;
            }
        }

        foreach (var session in sessions.Skip(1).Where(_ => f.Random.Bool()))
        {
            steps.Add(new(session, [new PostRequested()]));
        }
    }

    // Events that have no place in a job before its owner's post; each must be refused.
    private static JobStep Noise(Faker f, SetupFacts setup) => f.Random.Int(0, 6) switch
    {
        0 => new(TestSessions.Intruder, [new SetupStarted(setup)], IsNoise: true),
        1 => new(TestSessions.Intruder, [new SessionAttached(TestEvents.OtherCacheKey)], IsNoise: true),
        2 => new(TestSessions.Owner, [new BuildFinished("ghost", BuildOutcome.Succeeded)], IsNoise: true),
        3 => new(TestSessions.Owner, [new DaemonStopped(DaemonStopOutcome.Graceful)], IsNoise: true),
        4 => new(TestSessions.Owner, [new DiskReleased(true)], IsNoise: true),
        5 => new(TestSessions.Owner, [new Drained()], IsNoise: true),
        _ => new(TestSessions.Owner, [new CommitRequested(1)], IsNoise: true),
    };
}
