using System.Text.Json;
using Blacksmith.Replay;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Bogus;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// A job made from a seed: setups, builds, posts and steps of the user's own in a random order, inputs from Bogus,
/// and a few scripted faults per run on top of the healthy world. Every faulted call ends on the healthy answer
/// (never used up), so a generated job never diverges: whatever happens is the code's own doing.
/// </summary>
internal sealed record GeneratedJob(int Seed, Scenario Scenario)
{
    private static readonly string[] SetupKills = ["DiskExposed", "DiskMounted", "DaemonSpawned", "DaemonReady", "BuilderRegistered"];
    private static readonly string[] PostKills = ["DaemonStopped", "DiskUnmounted", "EarlierStepsChecked", "Drained"];
    private static readonly ExternalErrorKind[] ErrorKinds = [.. Enum.GetValues<ExternalErrorKind>()];

    /// <summary>Values a call may return besides the healthy one: the answers that steer the lifecycle.</summary>
    private static readonly Dictionary<string, string[]> OtherValues = new(StringComparer.Ordinal)
    {
        [PortCalls.BlockDeviceDetectFilesystem.Name] = ["null"],
        [PortCalls.BlockDeviceIsMounted.Name] = ["false"],
        [PortCalls.DaemonProbe.Name] = ["""{"status":"NotReady"}""", """{"status":"Exited","detail":"panic: boom"}""",
            """{"status":"Exited","detail":"panic: freepages","corruptDatabase":"/var/lib/buildkit/runc-overlayfs/metadata_v2.db"}"""],
        [PortCalls.DaemonSignal.Name] = ["\"AlreadyGone\""],
        [PortCalls.DaemonWaitForExit.Name] = ["false"],
        [PortCalls.DaemonFindForeign.Name] = ["""{"resource":"/var/lib/buildkit","holderPid":4711,"holderName":"buildkitd"}"""],
        [PortCalls.EarlierStepsCheck.Name] = ["""{"result":"Failed","source":"generated"}""", """{"result":"Inconclusive","source":"generated"}"""],
    };

    public IEnumerable<HostRun> Hosts => Scenario.Job;

    public static GeneratedJob From(int seed)
    {
        var faker = new Faker { Random = new Randomizer(seed) };
        var random = faker.Random;
        var setups = random.WeightedRandom([0, 1, 2], [0.05f, 0.75f, 0.2f]);
        var keys = new[] { "acme/web", faker.Internet.DomainWord() + "/" + faker.Hacker.Noun().Replace(' ', '-') };
        var job = new List<HostRun>();
        var posts = new List<HostRun>();
        for (var i = 1; i <= setups; i++)
        {
            var session = $"setup-{i}";
            job.Add(new SetupRun(session, new SetupPlanInputs(
                random.Bool(0.85f) ? keys[0] : keys[1],
                Commit: random.WeightedRandom([CommitMode.Auto, CommitMode.AlwaysOnSuccess, CommitMode.Never], [0.7f, 0.2f, 0.1f]),
                ForkPullRequest: random.Bool(0.1f),
                ReleaseOnSkip: random.Bool(0.8f),
                NoFallback: random.Bool(0.2f),
                MaxCacheSizeMegabytes: random.Bool(0.3f) ? random.Long(512, 16_384) : null))
            {
                KilledAfter = random.Bool(0.08f) ? random.ArrayElement(SetupKills) : null,
            });
            if (random.Bool(0.08f))
            {
                // A post killed part way, whose session's post runs again.
                posts.Add(new PostRun(session) { KilledAfter = random.ArrayElement(PostKills) });
            }

            if (random.Bool(0.95f))
            {
                // An explicit status never claims success: after a failed or killed step GitHub would not say so.
                posts.Add(new PostRun(session, random.Bool(0.1f) ? random.ArrayElement([JobStatusInput.Failure, JobStatusInput.Cancelled, JobStatusInput.Unknown]) : null));
            }
        }

        var middle = new List<HostRun>();
        for (var i = 1; i <= random.Int(0, 3); i++)
        {
            var outcome = random.WeightedRandom([BuildOutcome.Succeeded, BuildOutcome.Failed, BuildOutcome.Cancelled, BuildOutcome.Running], [0.7f, 0.12f, 0.08f, 0.1f]);
            // A build whose daemon dies under it fails, as buildx would report it.
            var daemonDies = random.Bool(0.05f);
            outcome = daemonDies && outcome != BuildOutcome.Running ? BuildOutcome.Failed : outcome;
            middle.Add(new BuildRun($"build-{i}", $"b{seed}-{i}", faker.Hacker.Verb(), outcome, outcome == BuildOutcome.Failed ? faker.Lorem.Sentence(4) : null, daemonDies));
        }

        for (var i = 1; i <= random.Int(0, 2); i++)
        {
            middle.Add(new ForeignStep(faker.Commerce.ProductName(), random.Bool(0.85f), random.Bool(0.1f)));
        }

        // Posts run in reverse order of their setups, after everything else; a few jobs are shuffled outright.
        job.AddRange(random.Shuffle(middle));
        posts.Reverse();
        job.AddRange(posts);
        if (random.Bool(0.2f))
        {
            job = [.. random.Shuffle(job)];
        }

        var world = new List<ScriptedAnswer>();
        foreach (var call in random.ArrayElements([.. PortCalls.Scripted], random.Int(0, 4)))
        {
            for (var i = random.Int(1, 3); i > 0; i--)
            {
                world.Add(Fault(call, random));
            }

            world.Add(HealthyWorld.Answers[call]);
        }

        var scenario = new Scenario($"generated-{seed}", $"seed {seed}", job, world, new ScenarioExpectations())
        {
            HealthyBase = true,
            Description = $"generated job of seed {seed}",
        };
        return new GeneratedJob(seed, scenario);
    }

    private static ScriptedAnswer Fault(string call, Randomizer random)
    {
        var healthy = HealthyWorld.Answers[call];
        var origin = "generated fault";
        return random.Int(0, 9) switch
        {
            <= 3 => new ScriptedAnswer { Call = call, Reply = ScriptedReply.Fails, ErrorKind = random.ArrayElement(ErrorKinds), Message = "generated failure", Origin = origin },
            4 => new ScriptedAnswer { Call = call, Reply = ScriptedReply.Hangs, Origin = origin },
            5 => new ScriptedAnswer { Call = call, Reply = ScriptedReply.Crashes, Message = "generated adapter bug", Origin = origin },
            6 => healthy with { Times = 1, KillsHost = true, Origin = origin },
            7 => healthy with { Times = 1, DaemonDies = true, Origin = origin },
            8 when OtherValues.TryGetValue(call, out var values) => healthy with { Times = 1, Value = JsonDocument.Parse(random.ArrayElement(values)).RootElement.Clone(), Origin = origin },
            _ => healthy with { Times = 1, Delay = TimeSpan.FromMilliseconds(random.Int(1, 120_000)), Origin = origin },
        };
    }

    public override string ToString() =>
        $"seed {Seed}: " + string.Join(", ", Scenario.Job.Select(h => h switch
        {
            SetupRun s => $"setup {s.Session} {s.Inputs}" + (s.KilledAfter is null ? "" : $" killed after {s.KilledAfter}"),
            BuildRun b => $"build {b.Session} {b.Outcome}" + (b.DaemonDies ? " daemon dies" : ""),
            PostRun p => $"post {p.Session} {p.JobStatus}" + (p.KilledAfter is null ? "" : $" killed after {p.KilledAfter}"),
            ForeignStep f => $"foreign {(f.Succeeded ? "ok" : "failed")}" + (f.DaemonDies ? " daemon dies" : ""),
            _ => h.Kind,
        })) + "; world: " + string.Join(", ", Scenario.World.Select(a => a.Describe()));
}
