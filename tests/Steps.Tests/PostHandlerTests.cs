using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Release;
using Blacksmith.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Blacksmith.Testing;

namespace Blacksmith.Steps.Tests;

public sealed class PostHandlerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stop_with_no_daemon_spawned_has_nothing_to_do()
    {
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")), new SetupFailed("expose", "agent down"), new PostRequested());
        var daemon = new FakeBuildkitDaemon();

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var result = await time.RunAsync(() => new StopDaemonHandler(daemon, Lifecycles.Context(snapshot), time).Handle(new StopDaemon(Lifecycles.Owner), Ct));

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
    }

    [Theory]
    [InlineData(false, false, false, DaemonStopOutcome.Graceful)]
    [InlineData(true, false, false, DaemonStopOutcome.Forced)]
    [InlineData(true, true, false, DaemonStopOutcome.Failed)]
    [InlineData(false, false, true, DaemonStopOutcome.AlreadyGone)]
    public async Task Stop_escalates_from_SIGTERM_to_SIGKILL_and_names_the_outcome(bool ignoresTerminate, bool ignoresKill, bool alreadyGone, DaemonStopOutcome expected)
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested()]);
        var daemon = new FakeBuildkitDaemon { IgnoresTerminate = ignoresTerminate, IgnoresKill = ignoresKill };
        if (!alreadyGone)
        {
            daemon.Running.Add(snapshot.Daemon!);
        }

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var result = await time.RunAsync(() => new StopDaemonHandler(daemon, Lifecycles.Context(snapshot), time).Handle(new StopDaemon(Lifecycles.Owner), Ct));

        var stopped = Assert.IsType<DaemonStopped>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(expected, stopped.Outcome);
        Assert.Equal(ignoresTerminate && !alreadyGone ? [DaemonSignal.Terminate, DaemonSignal.Kill] : [DaemonSignal.Terminate], daemon.Signals);
    }

    [Fact]
    public async Task A_daemon_already_gone_before_post_is_reported_with_the_tail_of_its_log()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested()]);
        var daemon = new FakeBuildkitDaemon { LogOfTheDead = "level=fatal msg=\"no space left on device\"" };

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var result = await time.RunAsync(() => new StopDaemonHandler(daemon, Lifecycles.Context(snapshot), time).Handle(new StopDaemon(Lifecycles.Owner), Ct));

        var stopped = Assert.IsType<DaemonStopped>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(DaemonStopOutcome.AlreadyGone, stopped.Outcome);
        Assert.Contains("already exited before post", stopped.Detail, StringComparison.Ordinal);
        Assert.Contains("no space left on device", stopped.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_keeps_the_setups_max_cache_size_counted_in_millions_of_bytes()
    {
        var snapshot = await DrainingWithCacheLimitAsync(5_000);
        var daemon = RunningDaemon(snapshot);

        var result = await PruneOnVirtualTimeAsync(daemon, snapshot);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Equal([5_000_000_000L], daemon.Prunes);
        Assert.Empty(daemon.Signals);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    public async Task Prune_does_nothing_without_a_cache_limit(long? megabytes)
    {
        var snapshot = await DrainingWithCacheLimitAsync(megabytes);
        var daemon = RunningDaemon(snapshot);

        var result = await PruneOnVirtualTimeAsync(daemon, snapshot);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Empty(daemon.Prunes);
    }

    [Fact]
    public async Task Prune_leaves_a_daemon_that_never_became_ready_alone()
    {
        var snapshot = await Lifecycles.AfterAsync(
            new SetupStarted(new SetupFacts("key", "fake", MaxCacheSizeMegabytes: 100)),
            new DiskExposed("expose-1", "/dev/fake1"),
            new DiskMounted("/var/lib/buildkit", Formatted: false),
            new DaemonSpawned(new DaemonIdentity(99, 1, "tcp://127.0.0.1:1234")),
            new SetupFailed("ready", "buildkitd was not ready within 120 s"),
            new PostRequested());
        var daemon = new FakeBuildkitDaemon();

        await PruneOnVirtualTimeAsync(daemon, snapshot);

        Assert.Empty(daemon.Prunes);
    }

    [Fact]
    public async Task A_failed_prune_is_only_a_warning()
    {
        var snapshot = await DrainingWithCacheLimitAsync(100);
        var daemon = RunningDaemon(snapshot);
        daemon.PruneFailure = new ExternalCallException("buildkitd.prune", ExternalErrorKind.Unavailable, "connection refused");

        var result = await PruneOnVirtualTimeAsync(daemon, snapshot);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Single(daemon.Prunes);
    }

    [Fact]
    public async Task A_prune_that_outlasts_its_budget_is_cancelled_and_the_drain_goes_on()
    {
        var snapshot = await DrainingWithCacheLimitAsync(100);
        var daemon = RunningDaemon(snapshot);
        daemon.PruneHangs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var prune = PruneAsync(daemon, snapshot, time);
        await BoundedWait.ForAsync(daemon.PruneHangs.Task, "the prune to reach the daemon", cancellationToken: TestContext.Current.CancellationToken);
        time.Advance(PruneCacheHandler.Budget);
        var result = await prune;

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
    }

    [Fact]
    public async Task Busy_unmount_is_retried_until_it_succeeds_then_the_device_is_flushed()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful)]);
        var device = new FakeBlockDevice();
        device.Mounted.Add("/var/lib/buildkit");
        device.UnmountFailures.Enqueue(Busy());
        device.UnmountFailures.Enqueue(Busy());
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var handler = new UnmountStickyDiskHandler(new DiskUnmounter(device, time, NullLogger<DiskUnmounter>.Instance), Lifecycles.Context(snapshot));

        var result = await time.RunAsync(() => handler.Handle(new UnmountStickyDisk(Lifecycles.Owner), Ct));

        var unmounted = Assert.IsType<DiskUnmounted>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.True(unmounted.Clean);
        Assert.Equal(4096, unmounted.FsUsageBytes);
        Assert.Equal(["sync", "measure", "unmount", "unmount", "unmount", "flush"], device.Calls);
    }

    [Fact]
    public async Task Measure_that_fails_still_unmounts_cleanly_without_a_usage()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful)]);
        var device = new FakeBlockDevice { MeasureFailure = new ExternalCallException("blockdevice.measure", ExternalErrorKind.Failed, "df: Input/output error") };
        device.Mounted.Add("/var/lib/buildkit");
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var handler = new UnmountStickyDiskHandler(new DiskUnmounter(device, time, NullLogger<DiskUnmounter>.Instance), Lifecycles.Context(snapshot));

        var result = await time.RunAsync(() => handler.Handle(new UnmountStickyDisk(Lifecycles.Owner), Ct));

        var unmounted = Assert.IsType<DiskUnmounted>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.True(unmounted.Clean);
        Assert.Null(unmounted.FsUsageBytes);
        Assert.Equal(["sync", "measure", "unmount", "flush"], device.Calls);
    }

    [Fact]
    public async Task Unmount_that_stays_busy_is_not_clean_after_bounded_attempts()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful)]);
        var device = new FakeBlockDevice();
        device.Mounted.Add("/var/lib/buildkit");
        for (var i = 0; i < 50; i++)
        {
            device.UnmountFailures.Enqueue(Busy());
        }

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var handler = new UnmountStickyDiskHandler(new DiskUnmounter(device, time, NullLogger<DiskUnmounter>.Instance), Lifecycles.Context(snapshot));


        var result = await time.RunAsync(() => handler.Handle(new UnmountStickyDisk(Lifecycles.Owner), Ct));

        var unmounted = Assert.IsType<DiskUnmounted>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.False(unmounted.Clean);
        Assert.Equal(DiskUnmounter.UnmountAttempts, device.Calls.Count(c => c == "unmount"));
        Assert.DoesNotContain("flush", device.Calls);
    }

    [Fact]
    public async Task A_failed_sync_still_unmounts_but_the_unmount_does_not_count_as_clean()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful)]);
        var device = new FakeBlockDevice { SyncFailure = new ExternalCallException("blockdevice.sync", ExternalErrorKind.Unavailable, "sync: interrupted") };
        device.Mounted.Add("/var/lib/buildkit");
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var handler = new UnmountStickyDiskHandler(new DiskUnmounter(device, time, NullLogger<DiskUnmounter>.Instance), Lifecycles.Context(snapshot));

        var result = await time.RunAsync(() => handler.Handle(new UnmountStickyDisk(Lifecycles.Owner), Ct));

        var unmounted = Assert.IsType<DiskUnmounted>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.False(unmounted.Clean);
        Assert.Contains("sync: interrupted", unmounted.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/lib/buildkit", device.Mounted);
        Assert.Equal(["sync", "measure", "unmount", "flush"], device.Calls);
    }

    [Fact]
    public async Task A_stop_signal_that_never_returns_is_cut_off_and_the_daemon_counts_as_not_stopped()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested()]);
        var daemon = new FakeBuildkitDaemon { SignalHangs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        daemon.Running.Add(snapshot.Daemon!);
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var stop = new StopDaemonHandler(daemon, Lifecycles.Context(snapshot), time).Handle(new StopDaemon(Lifecycles.Owner), Ct).AsTask();
        await BoundedWait.ForAsync(daemon.SignalHangs.Task, "the signal to reach the daemon", cancellationToken: TestContext.Current.CancellationToken);
        time.Advance(DaemonStopper.SignalDeadline);
        var result = await stop;

        var stopped = Assert.IsType<DaemonStopped>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(DaemonStopOutcome.Failed, stopped.Outcome);
        Assert.Contains("no answer within", stopped.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_disk_is_never_unmounted_from_under_a_daemon_that_may_still_run()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Failed, "still running after SIGKILL")]);
        var device = new FakeBlockDevice();
        device.Mounted.Add("/var/lib/buildkit");
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var handler = new UnmountStickyDiskHandler(new DiskUnmounter(device, time, NullLogger<DiskUnmounter>.Instance), Lifecycles.Context(snapshot));

        var result = await time.RunAsync(() => handler.Handle(new UnmountStickyDisk(Lifecycles.Owner), Ct));

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Empty(device.Calls);
        Assert.Contains("/var/lib/buildkit", device.Mounted);
    }

    [Fact]
    public async Task Mount_already_gone_counts_as_unmounted()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested(), new DaemonStopped(DaemonStopOutcome.Graceful)]);
        var device = new FakeBlockDevice();
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var handler = new UnmountStickyDiskHandler(new DiskUnmounter(device, time, NullLogger<DiskUnmounter>.Instance), Lifecycles.Context(snapshot));

        var result = await time.RunAsync(() => handler.Handle(new UnmountStickyDisk(Lifecycles.Owner), Ct));

        Assert.True(Assert.IsType<DiskUnmounted>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events)).Clean);
        Assert.DoesNotContain("unmount", device.Calls);
    }

    [Fact]
    public async Task Earlier_steps_probe_that_fails_is_inconclusive_never_a_pass()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested()]);

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var result = await time.RunAsync(() => new CheckEarlierStepsHandler(
            new FakeEarlierStepsProbe { Failure = new ExternalCallException("runner.diag", ExternalErrorKind.Failed, "no _diag directory") },
            Lifecycles.Context(snapshot), time).Handle(new CheckEarlierSteps(Lifecycles.Owner), Ct));

        var checkedSteps = Assert.IsType<EarlierStepsChecked>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(EarlierStepsResult.Inconclusive, checkedSteps.Result);
    }

    [Fact]
    public async Task Release_is_not_sent_when_the_policy_would_commit()
    {
        var snapshot = await Lifecycles.AfterAsync(
        [
            .. Starting, new BuilderRegistered("b"), new PostRequested(),
            new DaemonStopped(DaemonStopOutcome.Graceful), new DiskUnmounted(true, 10),
            new EarlierStepsChecked(EarlierStepsResult.Succeeded, "test"),
        ]);
        var store = new FakeStickyDiskStore();

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var result = await time.RunAsync(() => new ReleaseStickyDiskHandler(store, Lifecycles.Context(snapshot), time).Handle(new ReleaseStickyDisk(Lifecycles.Owner), Ct));

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Empty(store.Settlements);
    }

    [Theory]
    [InlineData(ExternalErrorKind.Unavailable, true)]
    [InlineData(ExternalErrorKind.Failed, false)]
    public async Task Release_the_store_refuses_is_recorded_as_not_accepted_retrying_only_while_unavailable(ExternalErrorKind kind, bool retried)
    {
        var snapshot = await ReleaseDueAsync();
        var store = new FakeStickyDiskStore { SettleFailure = new ExternalCallException("stickydisk.commit", kind, "agent says no") };

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var result = await time.RunAsync(() => new ReleaseStickyDiskHandler(store, Lifecycles.Context(snapshot), time).Handle(new ReleaseStickyDisk(Lifecycles.Owner), Ct));

        var released = Assert.IsType<DiskReleased>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.False(released.Accepted);
        Assert.All(store.Settlements, s => Assert.False(s.Commit));
        Assert.All(store.Settlements, s => Assert.Equal("expose-1", s.ExposeId));
        Assert.Equal(retried, store.Settlements.Count > 1);
    }

    [Fact]
    public async Task A_release_the_store_never_answers_times_out_as_a_release_not_a_commit()
    {
        var snapshot = await ReleaseDueAsync();
        var store = new FakeStickyDiskStore { SettleHangs = true };
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);

        var pending = new ReleaseStickyDiskHandler(store, Lifecycles.Context(snapshot), time).Handle(new ReleaseStickyDisk(Lifecycles.Owner), Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(31));

        var released = Assert.IsType<DiskReleased>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(await pending).Events));
        Assert.False(released.Accepted);
        Assert.StartsWith($"{DiskSettlement.ReleaseOperation}: no answer within", released.Detail, StringComparison.Ordinal);
    }

    /// <summary>A drain whose daemon had to be killed: the policy skips the commit, and the release is due.</summary>
    private static Task<LifecycleSnapshot> ReleaseDueAsync() => Lifecycles.AfterAsync(
    [
        .. Starting, new BuilderRegistered("b"), new PostRequested(),
        new DaemonStopped(DaemonStopOutcome.Forced), new DiskUnmounted(true, 10),
        new EarlierStepsChecked(EarlierStepsResult.Succeeded, "test"),
    ]);

    private static readonly LifecycleEvent[] Starting =
    [
        new SetupStarted(new SetupFacts("key", "fake")),
        new DiskExposed("expose-1", "/dev/fake1"),
        new DiskMounted("/var/lib/buildkit", Formatted: false),
        new DaemonSpawned(new DaemonIdentity(99, 1, "tcp://127.0.0.1:1234")),
        new DaemonReady(10),
    ];

    private static Task<LifecycleSnapshot> DrainingWithCacheLimitAsync(long? megabytes) => Lifecycles.AfterAsync(
        new SetupStarted(new SetupFacts("key", "fake", MaxCacheSizeMegabytes: megabytes)),
        new DiskExposed("expose-1", "/dev/fake1"),
        new DiskMounted("/var/lib/buildkit", Formatted: false),
        new DaemonSpawned(new DaemonIdentity(99, 1, "tcp://127.0.0.1:1234")),
        new DaemonReady(10),
        new BuilderRegistered("b"),
        new PostRequested());

    private static FakeBuildkitDaemon RunningDaemon(LifecycleSnapshot draining)
    {
        var daemon = new FakeBuildkitDaemon();
        daemon.Running.Add(draining.Daemon!);
        return daemon;
    }

    private static async Task<LifecycleResult> PruneAsync(FakeBuildkitDaemon daemon, LifecycleSnapshot snapshot, TimeProvider time) =>
        await new PruneCacheHandler(daemon, Lifecycles.Context(snapshot), time, NullLogger<PruneCacheHandler>.Instance).Handle(new PruneCache(Lifecycles.Owner), Ct);

    private static Task<LifecycleResult> PruneOnVirtualTimeAsync(FakeBuildkitDaemon daemon, LifecycleSnapshot snapshot)
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        return time.RunAsync(() => PruneAsync(daemon, snapshot, time));
    }

    private static ExternalCallException Busy() => new("device.unmount", ExternalErrorKind.Unavailable, "target is busy");
}
