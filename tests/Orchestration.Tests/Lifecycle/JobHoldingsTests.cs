using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>
/// What a job holds, as the claim records it, and the one rule post and the cleanup share: nothing is released (or
/// committed) while a daemon may still run or the disk is still mounted.
/// </summary>
public sealed class JobHoldingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly LifecycleEvent[] Acquired =
    [
        new SetupStarted(TestEvents.Setup() with { Root = "/var/lib/blacksmith/roots/job", Address = "unix:///tmp/job/buildkitd.sock" }),
        new DiskExposed("exp-1", "/dev/loop3"),
        new DiskMounted("/var/lib/blacksmith/roots/job", Formatted: false),
        new DaemonSpawned(TestEvents.Daemon),
    ];

    [Fact]
    public async Task A_starting_setup_needs_a_claim_before_it_holds_anything()
    {
        var snapshot = await new JournalHarness().FireAllAsync([Acquired[0]], Ct);

        var holdings = JobHoldings.Project(snapshot);

        Assert.NotNull(holdings);
        Assert.True(holdings.IsEmpty);
        Assert.Equal(("/var/lib/blacksmith/roots/job", "unix:///tmp/job/buildkitd.sock"), (holdings.Root, holdings.Address));
    }

    [Fact]
    public async Task A_running_setup_holds_its_daemon_its_mount_and_its_exposure()
    {
        var holdings = JobHoldings.Project(await new JournalHarness().FireAllAsync(Acquired, Ct));

        Assert.NotNull(holdings);
        Assert.Equal(TestEvents.Daemon, holdings.Daemon);
        Assert.Equal(("/var/lib/blacksmith/roots/job", "/dev/loop3", "exp-1"), (holdings.MountPoint, holdings.Device, holdings.ExposeId));
        Assert.False(holdings.MayRelease);
        Assert.Equal(3, holdings.Describe().Count);
    }

    [Fact]
    public async Task A_drained_and_settled_job_needs_no_claim()
    {
        var snapshot = await new JournalHarness().FireAllAsync(
            [.. Acquired, new DaemonReady(10), new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful),
             new DiskUnmounted(true, 1), new EarlierStepsChecked(EarlierStepsResult.Failed, "job-status input"), new DiskReleased(true), new Drained()],
            Ct);

        Assert.Equal(LifecycleState.Done, snapshot.State);
        Assert.Null(JobHoldings.Project(snapshot));
    }

    [Fact]
    public async Task A_failed_unmount_keeps_the_disk_held_and_unreleasable()
    {
        var snapshot = await new JournalHarness().FireAllAsync(
            [.. Acquired, new DaemonReady(10), new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful),
             new DiskUnmounted(false, null, "target is busy")],
            Ct);

        Assert.False(LifecycleMachine.EverythingReleased(snapshot));
        Assert.False(LifecycleMachine.IsReleaseDue(snapshot));
        Assert.Equal("/var/lib/blacksmith/roots/job", JobHoldings.Project(snapshot)?.MountPoint);
    }

    [Fact]
    public async Task An_unmount_whose_sync_failed_frees_the_disk_for_release_but_never_for_a_commit()
    {
        var snapshot = await new JournalHarness().FireAllAsync(
            [.. Acquired, new DaemonReady(10), new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful),
             new DiskUnmounted(false, 42, "unmounted, but the sync before it failed", StillMounted: false),
             new EarlierStepsChecked(EarlierStepsResult.Succeeded, "job-status input")],
            Ct);

        Assert.True(LifecycleMachine.EverythingReleased(snapshot));
        Assert.True(LifecycleMachine.IsReleaseDue(snapshot));
        Assert.Null(JobHoldings.Project(snapshot)?.MountPoint);
    }

    [Fact]
    public async Task A_failed_stop_and_a_failed_unmount_may_be_tried_again_but_a_done_one_may_not()
    {
        var harness = new JournalHarness();
        await harness.FireAllAsync(
            [.. Acquired, new DaemonReady(10), new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Failed, "EPERM")], Ct);

        Assert.False((await harness.FireAsync(TestSessions.Owner, new DaemonStopped(DaemonStopOutcome.Graceful), Ct)).IsRefused);
        Assert.False((await harness.FireAsync(TestSessions.Owner, new DiskUnmounted(false, null, "busy"), Ct)).IsRefused);
        Assert.False((await harness.FireAsync(TestSessions.Owner, new DiskUnmounted(true, 1), Ct)).IsRefused);
        Assert.True((await harness.FireAsync(TestSessions.Owner, new DaemonStopped(DaemonStopOutcome.Graceful), Ct)).IsRefused);
        Assert.True((await harness.FireAsync(TestSessions.Owner, new DiskUnmounted(true, 1), Ct)).IsRefused);
    }

    [Fact]
    public async Task Holdings_a_killed_setup_never_journaled_are_taken_only_while_setup_never_finished()
    {
        var unfinished = new JournalHarness();
        await unfinished.FireAllAsync([Acquired[0], Acquired[1], new PostRequested()], Ct);
        var finished = new JournalHarness();
        await finished.FireAllAsync([.. Acquired, new DaemonReady(10), new BuilderRegistered("b"), new PostRequested()], Ct);

        var found = new HoldingsFound(MountPoint: "/var/lib/blacksmith/roots/job", Daemon: TestEvents.Daemon);
        var taken = await unfinished.FireAsync(TestSessions.Owner, found, Ct);

        Assert.False(taken.IsRefused);
        Assert.True(taken.Snapshot.Disk.Mounted);
        Assert.Equal(TestEvents.Daemon, taken.Snapshot.Daemon);
        Assert.True((await finished.FireAsync(TestSessions.Owner, found, Ct)).IsRefused);
        Assert.True((await unfinished.FireAsync(TestSessions.Owner, found, Ct)).IsRefused);
    }
}
