using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Hosts.Tests;

/// <summary>Builds through the composition root: begin, build, complete, with fakes at the ports.</summary>
public sealed class BuildSequenceTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly Faker _faker = new() { Random = new Randomizer(107) };

    [Fact]
    public async Task A_build_on_the_jobs_builder_is_tracked_and_runs_on_that_builder()
    {
        using var engine = new TestEngine();
        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        var run = await engine.Build.RunAsync("build-1", "app", Request(), Ct);

        Assert.True(run.Tracked);
        Assert.Equal(setup.Snapshot.BuilderName, Assert.Single(engine.Images.Requests).Builder);
        var post = await engine.Post.RunAsync("setup-1", Ct);
        Assert.IsType<CommitDecision.Commit>(post.Snapshot.Decision);
    }

    [Fact]
    public async Task A_build_on_the_jobs_builder_knows_what_setup_journaled_about_it_so_it_asks_buildx_nothing()
    {
        using var engine = new TestEngine();
        engine.Builders.Facts = new BuilderFacts(_faker.System.Semver(), "remote", [$"v0.{_faker.Random.Int(11, 30)}.{_faker.Random.Int(0, 9)}"]);
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        await engine.Build.RunAsync("build-1", "app", Request(), Ct);
        // As the build host asks: for the builder the journal names.
        await engine.Build.RunAsync("build-2", "app", Request() with { Builder = "blacksmith-builder" }, Ct);

        // Read back from the journal's BuilderRegistered, as a build in its own process does.
        var snapshot = await engine.Lifecycle.LoadAsync("build-3", Ct);
        Assert.Equal(engine.Builders.Facts, snapshot.Builder);
        Assert.All(engine.Images.Requests, request => Assert.Equal(engine.Builders.Facts, request.Known));
        Assert.Equal(2, engine.Images.Requests.Count);
    }

    [Fact]
    public async Task A_failed_build_is_journaled_as_failed_with_the_exit_code_and_skips_the_commit()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        var exitCode = _faker.Random.Int(1, 125);
        engine.Images.Reports.Enqueue(new BuildReport(BuildResult.Failed, TimeSpan.FromSeconds(2)) { ExitCode = exitCode, ErrorDetail = "RUN make: exit 2" });

        var run = await engine.Build.RunAsync("build-1", "app", Request(), Ct);
        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(BuildResult.Failed, run.Report.Result);
        var build = Assert.Single(post.Snapshot.Builds);
        Assert.Equal(BuildOutcome.Failed, build.Outcome);
        Assert.Contains($"buildx exited {exitCode}", build.Detail, StringComparison.Ordinal);
        Assert.Equal(SkipReason.BuildFailed, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
    }

    [Fact]
    public async Task A_cancelled_build_is_still_journaled_as_cancelled()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        engine.Images.HangUntilCancelled = true;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var building = engine.Build.RunAsync("build-1", "app", Request(), cancel.Token);
        await cancel.CancelAsync();
        var run = await building;

        Assert.Equal(BuildResult.Cancelled, run.Report.Result);
        var post = await engine.Post.RunAsync("setup-1", Ct);
        Assert.Equal(BuildOutcome.Cancelled, Assert.Single(post.Snapshot.Builds).Outcome);
        Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision);
    }

    [Fact]
    public async Task A_missing_buildx_fails_the_build_with_the_reason_instead_of_crashing_the_step()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        engine.Images.Failure = new ExternalCallException("buildx.version", ExternalErrorKind.Missing, "docker buildx is not installed");

        var run = await engine.Build.RunAsync("build-1", "app", Request(), Ct);

        Assert.Equal(BuildResult.Failed, run.Report.Result);
        Assert.Contains("not installed", run.Report.ErrorDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_setup_the_build_still_runs_untracked_and_journals_nothing_but_its_effect()
    {
        using var engine = new TestEngine();

        var run = await engine.Build.RunAsync("build-1", "app", Request(), Ct);

        Assert.False(run.Tracked);
        Assert.Equal(LifecycleState.Idle, run.NotTracked!.State);
        Assert.Single(engine.Images.Requests);
        var records = engine.Journal.Records;
        var effect = Assert.Single(records);
        Assert.Equal((JournalRecordKind.Effect, "buildx.build", "build-1"), (effect.Kind, effect.Type, effect.Session));
        Assert.Equal(EffectOutcome.Succeeded, JsonSerializer.Deserialize(effect.Payload, JournalJsonContext.Default.EffectRecord)!.Outcome);
    }

    private BuildRequest Request() => new(_faker.Random.AlphaNumeric(8), string.Empty, new BuildInputs { Context = ".", Tags = [$"{_faker.Internet.DomainWord()}:latest"] });
}
