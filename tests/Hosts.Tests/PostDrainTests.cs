using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;
using Blacksmith.Testing.Fakes;

namespace Blacksmith.Hosts.Tests;

/// <summary>
/// Post drains only what it may and says so; it finds what a setup killed between an effect and its record left; the
/// machine-level claim follows what the job holds; and the job's only post drains as the owner.
/// </summary>
public sealed class PostDrainTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Began = DateTimeOffset.Parse("2026-12-05T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_disk_that_will_not_unmount_is_neither_released_nor_committed_and_the_drain_does_not_finish()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        for (var i = 0; i < 5; i++)
        {
            engine.Device.UnmountFailures.Enqueue(new ExternalCallException("device.unmount", ExternalErrorKind.Unavailable, "target is busy"));
        }

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Draining, post.Snapshot.State);
        Assert.Null(post.Snapshot.Decision);
        Assert.Empty(engine.Store.Settlements);
        Assert.Contains(TestEngine.Launch.Root, engine.Device.Mounted);
        Assert.False(LifecycleMachine.EverythingReleased(post.Snapshot));
    }

    [Fact]
    public async Task A_post_run_again_after_the_disk_came_free_unmounts_it_and_finishes()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        for (var i = 0; i < 5; i++)
        {
            engine.Device.UnmountFailures.Enqueue(new ExternalCallException("device.unmount", ExternalErrorKind.Unavailable, "target is busy"));
        }

        await engine.Post.RunAsync("setup-1", Ct);
        var again = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, again.Snapshot.State);
        Assert.Empty(engine.Device.Mounted);
        // The first unmount failed, so the disk is not committed; it is released unchanged.
        Assert.Equal(SkipReason.UnmountFailed, Assert.IsType<CommitDecision.Skip>(again.Snapshot.Decision).Reason);
        Assert.False(Assert.Single(engine.Store.Settlements).Commit);
    }

    [Fact]
    public async Task A_daemon_that_will_not_stop_keeps_the_disk_mounted_and_unreleased()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        engine.Daemon.IgnoresTerminate = true;
        engine.Daemon.IgnoresKill = true;

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Draining, post.Snapshot.State);
        Assert.DoesNotContain("unmount", engine.Device.Calls);
        Assert.Empty(engine.Store.Settlements);
    }

    [Fact]
    public async Task What_a_setup_killed_after_its_mount_call_left_is_found_unmounted_and_released_never_committed()
    {
        using var engine = new TestEngine();
        var exposed = await ExposeOnlyAsync(engine);
        // The mount happened; setup was killed before DiskMounted reached the journal.
        await engine.Device.MountAsync(exposed.Disk.Device!, TestEngine.Launch.Root, Ct);

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(SkipReason.SetupFailed, Assert.IsType<CommitDecision.Skip>(post.Snapshot.Decision).Reason);
        Assert.Empty(engine.Device.Mounted);
        Assert.Equal([(exposed.Disk.ExposeId!, false)], engine.Store.Settlements.Select(s => (s.ExposeId, s.Commit)));
        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
    }

    [Fact]
    public async Task An_exposure_a_setup_was_killed_before_it_could_journal_is_found_by_its_holder_and_released()
    {
        using var engine = new TestEngine();
        await engine.Mediator.Send(new BeginSetup("setup-1", TestEngine.Plan("setup-1").Setup), Ct);
        // The store exposed the disk; setup was killed before DiskExposed reached the journal.
        engine.Store.Held[TestEngine.Launch.JobDirectory] = [new ExposedDisk("exp-lost", "/dev/fake9")];

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Equal([("exp-lost", false)], engine.Store.Settlements.Select(s => (s.ExposeId, s.Commit)));
    }

    [Fact]
    public async Task A_daemon_a_setup_was_killed_before_it_could_journal_is_found_by_its_launch_and_stopped()
    {
        using var engine = new TestEngine();
        var exposed = await ExposeOnlyAsync(engine);
        await engine.Mediator.Send(new MountStickyDisk("setup-1", TestEngine.Launch.Root), Ct);
        var daemon = new DaemonIdentity(5151, 77, TestEngine.Launch.Address, Root: TestEngine.Launch.Root);
        engine.Daemon.Running.Add(daemon);
        engine.Daemon.Unrecorded = daemon;

        var post = await engine.Post.RunAsync("setup-1", Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Empty(engine.Daemon.Running);
        Assert.Empty(engine.Device.Mounted);
        Assert.Equal([(exposed.Disk.ExposeId!, false)], engine.Store.Settlements.Select(s => (s.ExposeId, s.Commit)));
    }

    [Fact]
    public async Task A_setup_that_finished_is_not_looked_after_at_post()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        await engine.Post.RunAsync("setup-1", Ct);

        Assert.DoesNotContain("mountSource", engine.Device.Calls);
        Assert.DoesNotContain("findLaunched", engine.Daemon.Effects);
    }

    [Fact]
    public async Task The_claim_names_each_acquisition_as_it_happens_and_goes_once_everything_is_released()
    {
        var claims = new FakeClaimRegistry();
        using var engine = new TestEngine(claim: claims.For(TestEngine.Launch.JobDirectory, null, "boot-1", Began));
        await engine.Mediator.Send(new BeginSetup("setup-1", TestEngine.Plan("setup-1").Setup), Ct);
        var starting = claims.Read(TestEngine.Launch.JobDirectory);
        await engine.Mediator.Send(new ExposeStickyDisk("setup-1"), Ct);
        var exposed = claims.Read(TestEngine.Launch.JobDirectory);
        await engine.Mediator.Send(new MountStickyDisk("setup-1", TestEngine.Launch.Root), Ct);
        await engine.Mediator.Send(new SpawnDaemon("setup-1", TestEngine.Launch), Ct);
        var spawned = claims.Read(TestEngine.Launch.JobDirectory);

        Assert.NotNull(starting);
        Assert.True(starting.Holdings.IsEmpty);
        Assert.Equal((TestEngine.Launch.Root, TestEngine.Launch.Address), (starting.Holdings.Root, starting.Holdings.Address));
        Assert.NotNull(exposed?.Holdings.ExposeId);
        Assert.Null(exposed.Holdings.MountPoint);
        Assert.NotNull(spawned?.Holdings.Daemon);
        Assert.Equal(TestEngine.Launch.Root, spawned.Holdings.MountPoint);

        await engine.Post.RunAsync("setup-1", Ct);

        Assert.Null(claims.Read(TestEngine.Launch.JobDirectory));
    }

    [Fact]
    public async Task The_claim_keeps_what_a_post_could_not_release()
    {
        var claims = new FakeClaimRegistry();
        using var engine = new TestEngine(claim: claims.For(TestEngine.Launch.JobDirectory, null, "boot-1", Began));
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        for (var i = 0; i < 5; i++)
        {
            engine.Device.UnmountFailures.Enqueue(new ExternalCallException("device.unmount", ExternalErrorKind.Unavailable, "target is busy"));
        }

        await engine.Post.RunAsync("setup-1", Ct);

        var held = claims.Read(TestEngine.Launch.JobDirectory)?.Holdings;
        Assert.NotNull(held);
        Assert.Null(held.Daemon);
        Assert.Equal(TestEngine.Launch.Root, held.MountPoint);
        Assert.NotNull(held.ExposeId);
    }

    [Fact]
    public async Task A_builder_this_job_did_not_start_needs_no_claim()
    {
        var claims = new FakeClaimRegistry();
        using var engine = new TestEngine(claim: claims.For(TestEngine.Launch.JobDirectory, null, "boot-1", Began));
        engine.Daemon.Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234", Address: TestEngine.Launch.Address);

        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Empty(claims.All);
    }

    [Fact]
    public async Task Where_a_job_has_one_post_it_drains_as_the_owner_whatever_session_the_state_holds()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Setup.RunAsync(TestEngine.Plan("setup-2"), Ct);

        var post = await engine.Post.RunAsync(new PostPlan("setup-2", "post-fresh", TestEngine.Launch, PostPerSetup: false), Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.True(post.Snapshot.IsOwner);
        Assert.Single(engine.Store.Settlements);
    }

    [Fact]
    public async Task Where_each_setup_has_its_own_post_an_attached_setups_post_only_reports()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Setup.RunAsync(TestEngine.Plan("setup-2"), Ct);

        var attached = await engine.Post.RunAsync(new PostPlan("setup-2", "post-fresh", TestEngine.Launch, PostPerSetup: true), Ct);
        var settledByTheAttachedPost = engine.Store.Settlements.Count;
        var owner = await engine.Post.RunAsync(new PostPlan("setup-1", "post-fresh", TestEngine.Launch, PostPerSetup: true), Ct);

        Assert.Equal(LifecycleState.Ready, attached.Snapshot.State);
        Assert.Equal(0, settledByTheAttachedPost);
        Assert.Equal(LifecycleState.Done, owner.Snapshot.State);
        Assert.Single(engine.Store.Settlements);
    }

    [Fact]
    public async Task A_post_whose_setup_saved_no_session_drains_as_the_owner()
    {
        using var engine = new TestEngine();
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        var post = await engine.Post.RunAsync(new PostPlan(null, "post-fresh", TestEngine.Launch, PostPerSetup: true), Ct);

        Assert.Equal(LifecycleState.Done, post.Snapshot.State);
        Assert.Single(engine.Store.Settlements);
    }

    private static async Task<LifecycleSnapshot> ExposeOnlyAsync(TestEngine engine)
    {
        await engine.Mediator.Send(new BeginSetup("setup-1", TestEngine.Plan("setup-1").Setup), Ct);
        var exposed = await engine.Mediator.Send(new ExposeStickyDisk("setup-1"), Ct);
        return Assert.IsType<LifecycleResult.Applied>(exposed).Snapshot;
    }
}
