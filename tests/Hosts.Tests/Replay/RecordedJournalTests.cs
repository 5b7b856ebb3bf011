using Blacksmith.Hosting;
using Blacksmith.Replay;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Setup;
using Blacksmith.Testing.Fakes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// A journal recorded by a real run of the engine (hand-written fakes at the ports) is a replay input: replaying it
/// takes the same transitions to the same decision, and a host killed mid-job is killed at the same point.
/// </summary>
public sealed class RecordedJournalTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-replay-");

    public static TheoryData<string> Jobs => ["clean", "failed build", "mount fails and falls back", "corrupt database heals", "second setup attaches", "daemon exits without fallback", "foreign buildkitd attached"];

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task Replaying_a_recorded_job_reproduces_its_transitions_and_decision(string job)
    {
        using var engine = new TestEngine();
        await RunAsync(engine, job);
        var recorded = engine.Journal.Records;

        var report = ReplayRunner.Run(JournalScenario.From(recorded, "recorded"));

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Equal(Transitions(recorded), report.Timeline.Select(t => (t.Session, t.Trigger, t.From, t.To)));
        Assert.Equal(JsonOf(recorded, JournalRecordKind.Decision), report.Decision is null ? null : System.Text.Json.JsonSerializer.Serialize(report.Decision, JournalJsonContext.Default.CommitDecision));
        Assert.Equal(recorded.Count(r => r.Kind == JournalRecordKind.Effect && !Untracked(recorded, r)), report.Effects.Count);
    }

    /// <summary>A build the lifecycle refused leaves only its buildx call, of a session with no build started: nothing replays it.</summary>
    private static bool Untracked(IReadOnlyList<JournalRecord> records, JournalRecord effect) =>
        effect.Type == "buildx.build"
        && !records.Any(r => r.Session == effect.Session && r.Kind == JournalRecordKind.Transition && r.Type == nameof(LifecycleTrigger.BuildStarted));

    [Fact]
    public async Task A_journal_file_written_by_a_job_replays_from_its_job_directory()
    {
        var journal = new JournalFile(_dir.FullName);
        using (var engine = new FileEngine(journal))
        {
            await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
            await engine.Mediator.Send(new BeginBuild("build-1", "b-1", "web"), Ct);
            await engine.Mediator.Send(new CompleteBuild("build-1", "b-1", BuildOutcome.Succeeded), Ct);
            await engine.Post.RunAsync("setup-1", Ct);
        }

        var scenario = ReplayInput.Load(_dir.FullName);
        var report = ReplayRunner.Run(scenario);

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Equal(Orchestration.Policy.SkipReason.EarlierStepsUnknown, Assert.IsType<Orchestration.Policy.CommitDecision.Skip>(report.Decision).Reason);
        Assert.Equal(["setup", "build", "post"], scenario.Job.Select(h => h.Kind));
    }

    [Fact]
    public async Task A_cleanup_after_an_earlier_job_journaled_before_setup_is_no_part_of_the_replay()
    {
        using var engine = new TestEngine();
        using (Orchestration.Recording.EffectScope.Enter("setup-1"))
        {
            var arguments = new Dictionary<string, string> { ["jobDirectory"] = "/tmp/earlier-job", ["actions"] = "stopped buildkitd pid 4242" };
            await engine.Effects.RecordAsync(new EffectRecord(Steps.Leftovers.LeftoverSweep.Port, "clean", arguments, EffectOutcome.Succeeded, 12), Ct);
        }

        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Post.RunAsync("setup-1", Ct);

        var report = ReplayRunner.Run(JournalScenario.From(engine.Journal.Records, "recorded"));

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Equal(Transitions(engine.Journal.Records), report.Timeline.Select(t => (t.Session, t.Trigger, t.From, t.To)));
    }

    [Fact]
    public async Task A_torn_last_line_is_left_out_with_a_warning()
    {
        var journal = new JournalFile(_dir.FullName);
        using (var engine = new FileEngine(journal))
        {
            await engine.Post.RunAsync("post-1", Ct);
        }

        await File.AppendAllTextAsync(journal.Location, "{\"v\":1,\"seq\":3,\"ts\":\"2026-", Ct);

        var report = ReplayRunner.Run(ReplayInput.Load(journal.Location));

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Contains(report.Warnings, w => w.Contains("line 3 has no newline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_setup_killed_mid_job_is_killed_at_the_same_point_in_the_replay()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        // The host died right after it journaled DiskExposed: nothing of it after that line exists.
        var exposed = engine.Journal.Records.First(r => r.Type == nameof(LifecycleTrigger.DiskExposed));
        engine.Journal.Truncate((int)exposed.Seq);
        await engine.Post.RunAsync("setup-1", Ct);

        var scenario = JournalScenario.From(engine.Journal.Records, "killed");
        var report = ReplayRunner.Run(scenario);

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Equal(nameof(LifecycleTrigger.DiskExposed), scenario.Job[0].KilledAfter);
        Assert.Equal([HostEnd.Killed, HostEnd.Completed], report.Hosts.Select(h => h.End));
    }

    [Fact]
    public async Task A_setup_killed_right_after_an_effect_is_killed_after_that_effect()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        var expose = engine.Journal.Records.First(r => r.Type == "stickydisk.expose");
        engine.Journal.Truncate((int)expose.Seq);
        await engine.Post.RunAsync("setup-1", Ct);

        var scenario = JournalScenario.From(engine.Journal.Records, "killed");
        var report = ReplayRunner.Run(scenario);

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Equal("killed after stickydisk.expose", report.Hosts[0].Detail);
    }

    [Fact]
    public async Task Replay_of_a_recorded_job_shows_a_behaviour_change_as_a_divergence()
    {
        using var engine = new TestEngine();
        await RunAsync(engine, "clean");
        // Pretend the recorded job saw the agent refuse the commit once more than today's code would ask.
        var records = engine.Journal.Records.ToList();
        var settle = records.Last(r => r.Type == "stickydisk.settle");
        records.Insert(records.IndexOf(settle), settle);
        var renumbered = records.Select((r, i) => r with { Seq = i + 1 }).ToList();

        var report = ReplayRunner.Run(JournalScenario.From(renumbered, "changed"));

        Assert.False(report.Passed);
        Assert.Contains(report.Unmet, u => u.StartsWith("scripted answer never used: stickydisk.settle", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task RunAsync(TestEngine engine, string job)
    {
        switch (job)
        {
            case "mount fails and falls back":
                engine.Device.MountFailure = new ExternalCallException("mount", ExternalErrorKind.Failed, "wrong fs type");
                break;
            case "corrupt database heals":
                engine.Daemon.CorruptDatabase = "/var/lib/buildkit/history.db";
                break;
            case "daemon exits without fallback":
                engine.Daemon.ProbeOverride = DaemonProbeStatus.Exited;
                break;
            case "foreign buildkitd attached":
                engine.Daemon.Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234", Address: "tcp://127.0.0.1:1234");
                break;
        }

        await engine.Setup.RunAsync(TestEngine.Plan("setup-1", allowFallback: job != "daemon exits without fallback"), Ct);
        if (job == "second setup attaches")
        {
            await engine.Setup.RunAsync(TestEngine.Plan("setup-2"), Ct);
        }

        // As the build host runs it: buildx's call is journaled between the build's start and finish.
        if (job == "failed build")
        {
            engine.Images.Reports.Enqueue(new BuildReport(BuildResult.Failed, TimeSpan.FromSeconds(2)) { ExitCode = 1, ErrorDetail = "RUN make: exit code 2" });
        }

        await engine.Build.RunAsync("build-1", "web", new BuildRequest("b-1", string.Empty, new BuildInputs { Tags = ["web"] }), Ct);
        if (job == "second setup attaches")
        {
            await engine.Post.RunAsync("setup-2", Ct);
        }

        await engine.Post.RunAsync("setup-1", Ct);
    }

    private static IEnumerable<(string, LifecycleTrigger, LifecycleState, LifecycleState)> Transitions(IReadOnlyList<JournalRecord> records) =>
        records.Where(r => r.Kind == JournalRecordKind.Transition).Select(r =>
        {
            var (from, to, e) = LifecycleEventCodec.Decode(r);
            return (r.Session, e.Trigger, from, to);
        });

    private static string? JsonOf(IReadOnlyList<JournalRecord> records, JournalRecordKind kind) =>
        records.LastOrDefault(r => r.Kind == kind)?.Payload.GetRawText();

    /// <summary>The engine of <see cref="TestEngine"/> over a journal file, as a real job writes it.</summary>
    private sealed class FileEngine : IDisposable
    {
        private readonly ServiceProvider _provider;

        public FileEngine(IJournalStore journal)
        {
            _provider = new ServiceCollection()
                .AddSingleton(journal)
                .AddSingleton<IStickyDiskStore>(new FakeStickyDiskStore())
                .AddSingleton<IBlockDevice>(new FakeBlockDevice())
                .AddSingleton<IBuildkitDaemon>(new FakeBuildkitDaemon())
                .AddSingleton<IBuilderRegistry>(new FakeBuilderRegistry())
                .AddSingleton<IEarlierStepsProbe>(new FakeEarlierStepsProbe { Report = new EarlierStepsReport(EarlierStepsResult.Inconclusive, "test", "no job status") })
                .AddBlacksmithEngine()
                .BuildServiceProvider();
        }

        public IMediator Mediator => _provider.GetRequiredService<IMediator>();

        public SetupSequence Setup => _provider.GetRequiredService<SetupSequence>();

        public PostSequence Post => _provider.GetRequiredService<PostSequence>();

        public void Dispose() => _provider.Dispose();
    }
}
