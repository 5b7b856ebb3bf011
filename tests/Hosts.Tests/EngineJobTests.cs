using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Hosts.Tests;

/// <summary>Whole jobs through the real mediator pipeline, steps and machine, with fakes at the ports.</summary>
public sealed class EngineJobTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly Faker _faker = new() { Random = new Randomizer(106) };

    [Fact]
    public async Task Job_with_successful_builds_commits_once_with_the_measured_usage()
    {
        using var engine = new TestEngine();
        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        Assert.Equal(LifecycleState.Ready, setup.Snapshot.State);

        var builds = _faker.Random.Int(1, 5);
        for (var i = 0; i < builds; i++)
        {
            await BuildAsync(engine, $"build-{i}", BuildOutcome.Succeeded);
        }

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.True(post.Succeeded, string.Join("; ", post.Errors));
        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.IsType<CommitDecision.Commit>(post.Snapshot.Decision);
        var settlement = Assert.Single(engine.Store.Settlements);
        Assert.True(settlement.Commit);
        Assert.Equal(4096, settlement.FsUsageBytes);
        Assert.Empty(engine.Device.Mounted);
        Assert.Empty(engine.Daemon.Running);
    }

    [Fact]
    public async Task Post_prunes_to_the_max_cache_size_before_it_stops_the_daemon()
    {
        using var engine = new TestEngine();
        var plan = TestEngine.Plan("setup-1");
        await engine.Setup.RunAsync(plan with { Setup = plan.Setup with { MaxCacheSizeMegabytes = 20_000 } }, Ct);
        await BuildAsync(engine, "ok", BuildOutcome.Succeeded);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.True(post.Succeeded, string.Join("; ", post.Errors));
        Assert.Equal([20_000_000_000L], engine.Daemon.Prunes);
        Assert.Equal(["prune", "Terminate"], engine.Daemon.Effects);
        Assert.IsType<CommitDecision.Commit>(post.Snapshot.Decision);
    }

    [Fact]
    public async Task A_failing_prune_neither_fails_post_nor_keeps_the_daemon_running()
    {
        using var engine = new TestEngine();
        var plan = TestEngine.Plan("setup-1");
        await engine.Setup.RunAsync(plan with { Setup = plan.Setup with { MaxCacheSizeMegabytes = 20_000 } }, Ct);
        await BuildAsync(engine, "ok", BuildOutcome.Succeeded);
        engine.Daemon.PruneFailure = new ExternalCallException("buildkitd.prune", ExternalErrorKind.Failed, "buildctl exited with code 1");

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.True(post.Succeeded, string.Join("; ", post.Errors));
        Assert.Equal(DaemonStopOutcome.Graceful, post.Snapshot.DaemonStop);
        Assert.Empty(engine.Daemon.Running);
        Assert.IsType<CommitDecision.Commit>(post.Snapshot.Decision);
    }

    [Fact]
    public async Task A_foreign_daemon_fails_setup_untouched_and_post_releases_the_exposed_disk()
    {
        using var engine = new TestEngine();
        engine.Daemon.Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234 (something accepts connections there)");

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1", allowFallback: false), Ct);

        Assert.Equal(LifecycleState.Failed, setup.Snapshot.State);
        Assert.Contains("tcp://127.0.0.1:1234", setup.Snapshot.SetupFailure, StringComparison.Ordinal);
        Assert.Equal(0, engine.Daemon.Spawns);
        Assert.Empty(engine.Device.Mounted);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Empty(engine.Daemon.Signals);
        Assert.False(Assert.Single(engine.Store.Settlements).Commit);
    }

    [Fact]
    public async Task A_buildkitd_answering_at_the_address_is_attached_and_post_only_reports()
    {
        using var engine = new TestEngine();
        engine.Daemon.Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234 (something accepts connections there)", Address: "tcp://127.0.0.1:1234");

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Equal((LifecycleState.Ready, BuilderMode.Attached), (setup.Snapshot.State, setup.Snapshot.Mode));
        Assert.Equal(0, engine.Store.ExposeCalls);
        Assert.Equal(0, engine.Daemon.Spawns);
        await BuildAsync(engine, "web", BuildOutcome.Succeeded);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Empty(engine.Daemon.Signals);
        Assert.Empty(engine.Store.Settlements);
        Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision);
    }

    [Fact]
    public async Task An_exposure_without_a_device_is_still_released_by_post()
    {
        using var engine = new TestEngine();
        engine.Store.Respond = _ => new ExposedDisk("expose-7", "");

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Equal(BuilderMode.Fallback, setup.Snapshot.Mode);
        Assert.Equal("expose-7", setup.Snapshot.Disk.ExposeId);
        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        var release = Assert.Single(engine.Store.Settlements);
        Assert.Equal(("expose-7", false), (release.ExposeId, release.Commit));
    }

    [Fact]
    public async Task An_expose_that_timed_out_fails_setup_saying_the_host_may_hold_a_half_exposed_disk()
    {
        using var engine = new TestEngine();
        engine.Store.ExposeFailure = new ExternalCallException("stickydisk.expose", ExternalErrorKind.Timeout, "the agent did not answer within 45 s");

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1", allowFallback: false), Ct);

        Assert.Equal(LifecycleState.Failed, setup.Snapshot.State);
        Assert.Contains("half-exposed disk", setup.Snapshot.SetupFailure, StringComparison.Ordinal);
        var post = await engine.Post.RunAsync("setup-1", Ct);
        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Empty(engine.Store.Settlements);
    }

    [Fact]
    public async Task Post_skips_commit_and_releases_the_disk_when_a_build_failed()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await BuildAsync(engine, "ok", BuildOutcome.Succeeded);
        await BuildAsync(engine, "broken", BuildOutcome.Failed);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        var skip = Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision);
        Assert.Equal(SkipReason.BuildFailed, skip.Reason);
        Assert.Contains("broken", skip.Detail, StringComparison.Ordinal);
        var release = Assert.Single(engine.Store.Settlements);
        Assert.False(release.Commit);
    }

    [Fact]
    public async Task Post_skips_commit_when_an_earlier_step_failed()
    {
        using var engine = new TestEngine();
        engine.EarlierSteps.Report = new EarlierStepsReport(EarlierStepsResult.Failed, "job-status input", "failure");
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await BuildAsync(engine, "ok", BuildOutcome.Succeeded);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(SkipReason.EarlierStepFailed, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
        Assert.False(Assert.Single(engine.Store.Settlements).Commit);
    }

    [Fact]
    public async Task Build_before_setup_is_refused_naming_the_state_and_journals_nothing()
    {
        using var engine = new TestEngine();

        var result = await engine.Mediator.Send(new BeginBuild("build-step", "b1", "app"), Ct);

        var refused = Assert.IsType<LifecycleResult.Refused>(result);
        Assert.Equal(LifecycleState.Idle, refused.State);
        Assert.Contains("BeginBuild", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Idle", refused.Message, StringComparison.Ordinal);
        Assert.Empty(engine.Journal.Records);
    }

    [Fact]
    public async Task Commit_command_outside_Committing_is_refused_before_any_effect()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        var result = await engine.Mediator.Send(new CommitStickyDisk("setup-1"), Ct);

        Assert.IsType<LifecycleResult.Refused>(result);
        Assert.Empty(engine.Store.Settlements);
    }

    [Fact]
    public async Task Failed_mount_falls_back_and_post_still_releases_the_exposed_disk_without_committing()
    {
        using var engine = new TestEngine();
        engine.Device.MountFailure = new ExternalCallException("mount", ExternalErrorKind.Failed, "wrong fs type");

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Equal(LifecycleState.Ready, setup.Snapshot.State);
        Assert.Equal(BuilderMode.Fallback, setup.Snapshot.Mode);
        Assert.Equal(1, engine.Builders.Fallbacks);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Equal(SkipReason.SetupFailed, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
        var release = Assert.Single(engine.Store.Settlements);
        Assert.False(release.Commit);
    }

    [Fact]
    public async Task Failed_setup_without_fallback_stays_Failed_and_post_ends_in_Done()
    {
        using var engine = new TestEngine();
        engine.Daemon.ProbeOverride = DaemonProbeStatus.Exited;

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1", allowFallback: false), Ct);

        Assert.Equal(LifecycleState.Failed, setup.Snapshot.State);
        Assert.Contains("exited while starting", setup.Snapshot.SetupFailure, StringComparison.Ordinal);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Empty(engine.Device.Mounted);
        Assert.Empty(engine.Daemon.Running);
        Assert.False(Assert.Single(engine.Store.Settlements).Commit);
    }

    [Fact]
    public async Task Fallback_that_fails_too_leaves_setup_Failed_and_reports_both_failures()
    {
        using var engine = new TestEngine();
        engine.Daemon.ProbeOverride = DaemonProbeStatus.Exited;
        engine.Builders.FallbackFailure = new ExternalCallException("buildx.activateFallback", ExternalErrorKind.Failed, "docker buildx create: exit status 1");

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Equal(LifecycleState.Failed, setup.Snapshot.State);
        Assert.Contains("exited while starting", setup.Snapshot.SetupFailure, StringComparison.Ordinal);
        Assert.Contains("docker buildx create: exit status 1", Assert.Single(setup.Errors), StringComparison.Ordinal);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Empty(engine.Device.Mounted);
        Assert.False(Assert.Single(engine.Store.Settlements).Commit);
    }

    [Fact]
    public async Task Second_setup_attaches_and_only_the_owner_post_drains()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        var second = await engine.Setup.RunAsync(TestEngine.Plan("setup-2"), Ct);
        Assert.True(second.Succeeded);
        Assert.True(second.Snapshot.IsAttachedSession);
        await BuildAsync(engine, "app", BuildOutcome.Succeeded);

        // Posts run in reverse order: the attached setup's first, then the owner's.
        var attachedPost = await engine.Post.RunAsync("setup-2", Ct);
        Assert.Equal(LifecycleState.Ready, attachedPost.Snapshot.State);
        Assert.Empty(engine.Store.Settlements);

        var ownerPost = await engine.Post.RunAsync("setup-1", Ct);
        Assert.Equal(LifecycleState.Done, ownerPost.Snapshot.State);
        Assert.True(Assert.Single(engine.Store.Settlements).Commit);
        Assert.Single(engine.Journal.Records, r => r.Kind == JournalRecordKind.Transition && r.Type == nameof(LifecycleTrigger.DaemonStopped));
    }

    [Fact]
    public async Task Second_setup_with_another_cache_key_is_refused_loudly()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1", cacheKey: "key-a"), Ct);

        var second = await engine.Setup.RunAsync(TestEngine.Plan("setup-2", cacheKey: "key-b"), Ct);

        Assert.NotNull(second.Refusal);
        Assert.Contains("cache key", second.Refusal.Message, StringComparison.Ordinal);
        Assert.Single(engine.Daemon.Running);
    }

    [Fact]
    public async Task Build_still_running_when_post_begins_is_abandoned_and_blocks_the_commit()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Mediator.Send(new BeginBuild("build-step", "b-1", "slow"), Ct);

        var post = await engine.Post.RunAsync("setup-1", Ct);
        var late = await engine.Mediator.Send(new CompleteBuild("build-step", "b-1", BuildOutcome.Succeeded), Ct);

        Assert.Equal(SkipReason.BuildAbandoned, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
        Assert.IsType<LifecycleResult.Refused>(late);
    }

    [Fact]
    public async Task Commit_never_releases_instead_of_committing()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1", commit: CommitMode.Never), Ct);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(SkipReason.CommitDisabled, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
        Assert.False(Assert.Single(engine.Store.Settlements).Commit);
    }

    [Fact]
    public async Task Corrupt_cache_database_is_moved_aside_and_the_daemon_started_once_more()
    {
        using var engine = new TestEngine();
        engine.Daemon.CorruptDatabase = "/var/lib/buildkit/history.db";

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Equal(LifecycleState.Ready, setup.Snapshot.State);
        Assert.Equal(2, engine.Daemon.Spawns);
        Assert.Equal(["/var/lib/buildkit/history.db"], engine.Daemon.Quarantined);
        Assert.Equal(1, setup.Snapshot.DaemonRestarts);
        Assert.Single(engine.Journal.Records, r => r.Type == nameof(LifecycleTrigger.DaemonExited));
    }

    [Fact]
    public async Task Post_without_setup_ends_Done_and_journals_a_NoSetup_skip()
    {
        using var engine = new TestEngine();

        var post = await engine.Post.RunAsync("lonely-post", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Equal(SkipReason.NoSetup, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
        Assert.Single(engine.Journal.Records, r => r.Kind == JournalRecordKind.Decision);
        Assert.Empty(engine.Store.Settlements);
    }

    [Fact]
    public async Task Attached_session_cannot_drain_or_settle_the_owners_disk()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Setup.RunAsync(TestEngine.Plan("setup-2"), Ct);
        await engine.Mediator.Send(new BeginPost("setup-1"), Ct);

        var stop = await engine.Mediator.Send(new StopDaemon("setup-2"), Ct);
        var drained = await engine.Mediator.Send(new FinishDraining("setup-2"), Ct);

        Assert.IsType<LifecycleResult.Refused>(stop);
        Assert.IsType<LifecycleResult.Refused>(drained);
        Assert.Single(engine.Daemon.Running);
        Assert.Empty(engine.Store.Settlements);
    }

    private static async Task BuildAsync(TestEngine engine, string name, BuildOutcome outcome)
    {
        var id = $"{name}-{Guid.NewGuid():N}";
        Assert.IsType<LifecycleResult.Applied>(await engine.Mediator.Send(new BeginBuild("build-step", id, name), Ct));
        Assert.IsType<LifecycleResult.Applied>(await engine.Mediator.Send(new CompleteBuild("build-step", id, outcome), Ct));
    }
}
