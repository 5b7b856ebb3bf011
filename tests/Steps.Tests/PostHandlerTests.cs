using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;
using Blacksmith.Testing.Fakes;

namespace Blacksmith.Steps.Tests;

public sealed class PostHandlerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stop_with_no_daemon_spawned_has_nothing_to_do()
    {
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")), new SetupFailed("expose", "agent down"), new PostRequested());
        var daemon = new FakeBuildkitDaemon();

        var result = await new StopDaemonHandler(daemon, Lifecycles.Context(snapshot)).Handle(new StopDaemon(Lifecycles.Owner), Ct);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
    }

    [Fact]
    public async Task Stop_that_cannot_be_made_is_recorded_as_Failed_not_thrown()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested()]);
        var daemon = new ThrowingDaemon();

        var result = await new StopDaemonHandler(daemon, Lifecycles.Context(snapshot)).Handle(new StopDaemon(Lifecycles.Owner), Ct);

        var stopped = Assert.IsType<DaemonStopped>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(DaemonStopOutcome.Failed, stopped.Outcome);
        Assert.Contains("permission denied", stopped.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Earlier_steps_probe_that_fails_is_inconclusive_never_a_pass()
    {
        var snapshot = await Lifecycles.AfterAsync([.. Starting, new BuilderRegistered("b"), new PostRequested()]);

        var result = await new CheckEarlierStepsHandler(new FailingProbe(), Lifecycles.Context(snapshot)).Handle(new CheckEarlierSteps(Lifecycles.Owner), Ct);

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

        var result = await new ReleaseStickyDiskHandler(store, Lifecycles.Context(snapshot)).Handle(new ReleaseStickyDisk(Lifecycles.Owner), Ct);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Empty(store.Settlements);
    }

    [Fact]
    public async Task Release_refused_by_the_store_is_recorded_and_not_retried()
    {
        var snapshot = await Lifecycles.AfterAsync(
        [
            .. Starting, new BuilderRegistered("b"), new PostRequested(),
            new DaemonStopped(DaemonStopOutcome.Forced), new DiskUnmounted(true, 10),
            new EarlierStepsChecked(EarlierStepsResult.Succeeded, "test"),
        ]);
        var store = new FakeStickyDiskStore { SettleFailure = new ExternalCallException("stickydisk.commit", ExternalErrorKind.Unavailable, "agent unavailable") };

        var result = await new ReleaseStickyDiskHandler(store, Lifecycles.Context(snapshot)).Handle(new ReleaseStickyDisk(Lifecycles.Owner), Ct);

        var released = Assert.IsType<DiskReleased>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.False(released.Accepted);
        var settlement = Assert.Single(store.Settlements);
        Assert.False(settlement.Commit);
        Assert.Equal("expose-1", settlement.ExposeId);
    }

    private static readonly LifecycleEvent[] Starting =
    [
        new SetupStarted(new SetupFacts("key", "fake")),
        new DiskExposed("expose-1", "/dev/fake1"),
        new DiskMounted("/var/lib/buildkit", Formatted: false),
        new DaemonSpawned(new DaemonIdentity(99, 1, "tcp://127.0.0.1:1234")),
        new DaemonReady(10),
    ];

    private sealed class ThrowingDaemon : IBuildkitDaemon
    {
        public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DaemonStopResult> StopAsync(DaemonIdentity daemon, CancellationToken cancellationToken) =>
            throw new ExternalCallException("buildkitd.stop", ExternalErrorKind.Failed, "kill: permission denied");
    }

    private sealed class FailingProbe : IEarlierStepsProbe
    {
        public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken) =>
            throw new ExternalCallException("runner.diag", ExternalErrorKind.Failed, "no _diag directory");
    }
}
