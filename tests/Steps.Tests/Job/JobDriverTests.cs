using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Job;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Setup;
using Blacksmith.Testing;
using Blacksmith.Testing.Fakes;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>
/// The decisions the job driver took over from the setup, build and post hosts, over a lifecycle that answers each
/// command with a snapshot the machine can reach (<see cref="SnapshotBuilder"/>).
/// </summary>
public sealed class JobDriverTests
{
    private static readonly DaemonLaunch Launch = new("tcp://127.0.0.1:1234", TestEvents.MountPoint, "/tmp/job");

    private readonly Faker _faker = new() { Random = new Randomizer(1515) };
    private readonly List<string> _trail = [];
    private readonly FakeStickyDiskStore _store = new();
    private readonly ReportedFailures _controlPlane = new();
    private readonly FixedDaemonLog _daemonLog = new("level=info msg=starting", "level=fatal msg=\"no space left on device\"");
    private readonly InMemoryJournalStore _journal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Setup_sweeps_earlier_jobs_before_the_sequence_under_the_setup_session()
    {
        var session = _faker.Random.AlphaNumeric(12);
        var driver = Driver(Answering(new SnapshotBuilder(session).CompleteSetup().Snapshot));

        await driver.SetupAsync(Request(session), Ct);

        Assert.Equal($"sweep {Launch.JobDirectory} as {session}", _trail[0]);
        Assert.Equal("command AttachForeignBuilder", _trail[1]);
    }

    [Fact]
    public async Task A_fork_pull_request_is_planned_as_one_and_a_fork_check_that_could_not_tell_is_a_warning()
    {
        var sender = Answering(new SnapshotBuilder().CompleteSetup().Snapshot);
        var problem = $"the event file {_faker.System.FilePath()} could not be read";
        var driver = Driver(sender, new FixedFork(new ForkCheck(true, problem)));

        var result = await driver.SetupAsync(Request(TestSessions.Owner), Ct);

        var begun = Assert.Single(sender.Sent.OfType<BeginSetup>());
        Assert.True(begun.Setup.ForkPullRequest);
        Assert.Contains(result.Notes, n => n.Kind == JobNoteKind.Warning && n.Text == problem);
    }

    [Fact]
    public async Task The_daemon_log_tail_is_shown_when_a_spawned_daemon_never_became_ready()
    {
        var neverReady = new SnapshotBuilder().StartSetup().ExposeDisk().MountDisk().SpawnDaemon().FailSetup("ready").Snapshot;
        var driver = Driver(Answering(neverReady));

        var result = await driver.SetupAsync(Request(TestSessions.Owner, noFallback: true), Ct);

        var group = Assert.Single(result.Notes, n => n.Kind == JobNoteKind.Group);
        Assert.Equal($"buildkitd never became ready; the last lines of its log ({TestEvents.Daemon.LogPath})", group.Title);
        Assert.Contains("no space left on device", group.Text, StringComparison.Ordinal);
        Assert.Equal(StepEnd.Failed, result.End);
    }

    [Fact]
    public async Task The_daemon_log_is_not_read_when_the_daemon_became_ready_or_was_never_spawned()
    {
        foreach (var snapshot in new[] { new SnapshotBuilder().CompleteSetup().Snapshot, new SnapshotBuilder().StartSetup().ExposeDisk().FailSetup("mount").Snapshot })
        {
            await Driver(Answering(snapshot)).SetupAsync(Request(TestSessions.Owner), Ct);
        }

        Assert.Empty(_daemonLog.Reads);
    }

    [Fact]
    public async Task A_setup_that_failed_for_good_is_reported_and_a_refused_one_is_bad_input_and_is_not()
    {
        var failed = await Driver(Answering(new SnapshotBuilder().StartSetup().ExposeDisk().FailSetup("mount").Snapshot))
            .SetupAsync(Request(TestSessions.Owner, noFallback: true), Ct);
        var reported = _controlPlane.Failures.Count;
        var refusal = new LifecycleResult.Refused("BeginSetup", LifecycleState.Draining, LifecycleTrigger.SetupStarted, [], new SnapshotBuilder().CompleteSetup().Post().Snapshot);
        var refused = await Driver(new ScriptedSender(_trail, command => command is BeginSetup ? refusal : Applied(LifecycleSnapshot.Initial(TestSessions.Owner))))
            .SetupAsync(Request(TestSessions.Owner), Ct);

        Assert.Equal(StepEnd.Failed, failed.End);
        Assert.Contains(failed.Notes, n => n.Kind == JobNoteKind.Error && n.Text.StartsWith("setup-docker-builder failed and nofallback is set", StringComparison.Ordinal));
        Assert.True(reported > 0);
        Assert.Equal(StepEnd.BadInput, refused.End);
        Assert.Equal(reported, _controlPlane.Failures.Count);
        Assert.DoesNotContain(refused.Notes, n => n.Kind == JobNoteKind.Output);
    }

    [Fact]
    public async Task A_ready_setup_sets_its_outputs_and_a_fallback_sets_no_daemon_address_or_root()
    {
        var ready = await Driver(Answering(new SnapshotBuilder().CompleteSetup().Snapshot)).SetupAsync(Request(TestSessions.Owner), Ct);
        var fallback = await Driver(Answering(new SnapshotBuilder().StartSetup().ExposeDisk().FailSetup("mount").ActivateFallback().Snapshot)).SetupAsync(Request(TestSessions.Owner), Ct);

        Assert.Equal(["job-dir", "buildkit-address", "buildkit-root", "name"], Outputs(ready));
        Assert.Equal(["job-dir", "name"], Outputs(fallback));
        Assert.Contains(fallback.Notes, n => n.Kind == JobNoteKind.Warning && n.Text.Contains("WITHOUT the sticky-disk cache", StringComparison.Ordinal));
        Assert.Equal(StepEnd.Succeeded, fallback.End);
    }

    [Fact]
    public async Task Post_fails_and_says_what_is_still_held_when_the_drain_could_not_release_it()
    {
        var stuck = new SnapshotBuilder().CompleteSetup().Post().Snapshot;
        var driver = Driver(Answering(stuck));

        var result = await driver.PostAsync(PostRequest.ForSession(TestSessions.Owner, Launch), Ct);

        Assert.Equal(StepEnd.Failed, result.End);
        Assert.False(result.Released);
        Assert.Contains(result.Notes, n => n.Kind == JobNoteKind.Error && n.Text.StartsWith("setup-docker-builder post could not release everything this job held", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Kind == JobNoteKind.Group && n.Title == "Builder lifecycle (blacksmith status)");
    }

    [Fact]
    public async Task Post_whose_journal_its_claim_outruns_releases_from_the_claim_and_runs_no_sequence()
    {
        // The journal is empty, and the claim says a setup began and exposed a disk.
        var claims = new FakeClaimRegistry();
        claims.Write(new JobClaim(Launch.JobDirectory, null, "boot-1", SnapshotBuilder.Start,
            new JobHoldings(Launch.Root, Launch.Address, "fake", TestEvents.CacheKey) { ExposeId = TestEvents.ExposeId }));
        var sender = Answering(new SnapshotBuilder().CompleteSetup().Post().Snapshot);
        var driver = Driver(sender, claims: claims);

        var result = await driver.PostAsync(PostRequest.ForSession(TestSessions.Owner, Launch), Ct);

        Assert.Equal(StepEnd.Failed, result.End);
        Assert.Null(result.Outcome);
        Assert.Empty(sender.Sent);
        Assert.Contains($"clean {Launch.JobDirectory}", _trail);
        Assert.Contains(result.Notes, n => n.Kind == JobNoteKind.Error && n.Text.Contains("it records no setup, yet this job's claim says one began", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_build_without_a_setup_in_the_job_is_warned_about_before_it_runs_and_still_builds()
    {
        var driver = Driver(new ScriptedSender(_trail, _ => new LifecycleResult.Refused("BeginBuild", LifecycleState.Idle, LifecycleTrigger.BuildStarted, [], LifecycleSnapshot.Initial("build"))));
        var tag = $"{_faker.Internet.DomainWord()}:{_faker.System.Semver()}";

        var plan = await driver.PlanBuildAsync("build", "b1", new BuildInputs { Tags = [tag] }, Ct);
        var result = await driver.BuildAsync(plan, Ct);

        Assert.Equal(tag, plan.Name);
        Assert.Contains(plan.Notes, n => n.Kind == JobNoteKind.Warning && n.Text.StartsWith("No setup-docker-builder step ran in this job", StringComparison.Ordinal));
        Assert.False(result.Run.Tracked);
        Assert.Equal(StepEnd.Succeeded, result.End);
        Assert.Empty(_controlPlane.BuildsStarted);
    }

    private static string[] Outputs(SetupStepResult result) => [.. result.Notes.Where(n => n.Kind == JobNoteKind.Output).Select(n => n.Title!)];

    private static SetupRequest Request(string session, bool noFallback = false) =>
        new(session, TestEvents.CacheKey, CommitMode.Auto, Launch, TimeSpan.FromSeconds(5), noFallback);

    private static LifecycleResult.Applied Applied(LifecycleSnapshot snapshot) => new(snapshot, []);

    /// <summary>No foreign daemon; every other command leaves the lifecycle at <paramref name="snapshot"/>.</summary>
    private ScriptedSender Answering(LifecycleSnapshot snapshot) => new(_trail, command => command is AttachForeignBuilder
        ? Applied(LifecycleSnapshot.Initial(command.Session))
        : Applied(snapshot));

    private JobDriver Driver(ScriptedSender sender, IForkPullRequestProbe? fork = null, FakeClaimRegistry? claims = null)
    {
        var lifecycle = new LifecycleJournal(_journal, TimeProvider.System, NullLogger<LifecycleJournal>.Instance);
        return new JobDriver(
            new JobSequences(new SetupSequence(sender), new BuildSequence(sender, new FakeImageBuilder()), new PostSequence(sender, lifecycle)),
            lifecycle,
            _journal,
            _store,
            _controlPlane,
            new JobSideEffects(new TrailSweep(_trail), claims ?? new FakeClaimRegistry(), new FailureReporter(_controlPlane, enabled: true), fork ?? NoForkPullRequests.Instance, _daemonLog, JobReporting.MetricsOnly),
            TimeProvider.System);
    }
}
