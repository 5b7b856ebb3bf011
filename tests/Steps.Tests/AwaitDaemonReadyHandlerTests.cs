using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Setup;
using Blacksmith.Testing.Fakes;

namespace Blacksmith.Steps.Tests;

public sealed class AwaitDaemonReadyHandlerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_daemon_is_reported_with_the_time_waited()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var daemon = new FakeBuildkitDaemon { ProbesUntilReady = 3 };
        var handler = new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(await Lifecycles.StartingAsync()), time);

        var pending = handler.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(120)), Ct).AsTask();
        await AdvanceUntilDoneAsync(time, pending);

        var ready = Assert.IsType<DaemonReady>(Assert.Single(Proposed(await pending)));
        Assert.Equal(4, daemon.Probes);
        // Backoff starts at 25 ms and doubles: 25 + 50 + 100 before the fourth probe.
        Assert.Equal(175, ready.WaitedMilliseconds);
    }

    [Fact]
    public async Task A_probe_that_waited_for_the_daemon_is_followed_by_the_next_without_a_pause()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        // Each probe waits 2 s for the address, longer than any pause of the backoff: sleeping after it would only
        // find an answering daemon later.
        var daemon = new FakeBuildkitDaemon { ProbesUntilReady = 3, DuringProbe = () => time.Advance(TimeSpan.FromSeconds(2)) };
        var handler = new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(await Lifecycles.StartingAsync()), time);

        var ready = Assert.IsType<DaemonReady>(Assert.Single(Proposed(await handler.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(120)), Ct))));

        Assert.Equal(4, daemon.Probes);
        Assert.Equal(8_000, ready.WaitedMilliseconds);
    }

    [Fact]
    public async Task A_daemon_that_took_long_to_open_its_address_is_asked_again_after_the_first_pause_not_a_grown_backoff()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        // Five probes wait 2 s each for an address that does not accept yet; the sixth finds it accepting but the daemon
        // not ready yet, and the seventh finds it ready. The backoff must not have grown while the daemon was starting.
        var daemon = new FakeBuildkitDaemon { ProbesUntilReady = 6 };
        daemon.DuringProbe = () =>
        {
            if (daemon.Probes <= 5)
            {
                time.Advance(TimeSpan.FromSeconds(2));
            }
        };
        var handler = new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(await Lifecycles.StartingAsync()), time);

        var pending = handler.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(120)), Ct).AsTask();
        await AdvanceUntilDoneAsync(time, pending);

        var ready = Assert.IsType<DaemonReady>(Assert.Single(Proposed(await pending)));
        Assert.Equal(7, daemon.Probes);
        // 5 × 2 s of waiting probes, then the first pause (25 ms) after the one answer that came back at once.
        Assert.Equal(10_025, ready.WaitedMilliseconds);
    }

    [Fact]
    public async Task Daemon_that_exits_while_starting_fails_at_once_with_its_log()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var daemon = new FakeBuildkitDaemon { ProbeOverride = DaemonProbeStatus.Exited };
        var handler = new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(await Lifecycles.StartingAsync()), time);

        var result = await handler.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(120)), Ct);

        var failed = Assert.IsType<SetupFailed>(Assert.Single(Proposed(result)));
        Assert.Equal("ready", failed.Step);
        Assert.Contains("invalid freelist page", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, daemon.Probes);
    }

    [Fact]
    public async Task Daemon_never_ready_fails_when_the_budget_is_spent()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var daemon = new FakeBuildkitDaemon { ProbeOverride = DaemonProbeStatus.NotReady };
        var handler = new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(await Lifecycles.StartingAsync()), time);

        var pending = handler.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(5)), Ct).AsTask();
        await AdvanceUntilDoneAsync(time, pending);

        var failed = Assert.IsType<SetupFailed>(Assert.Single(Proposed(await pending)));
        Assert.Contains("not ready within 5 s", failed.Message, StringComparison.Ordinal);
        Assert.True(time.Elapsed <= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Every_outcome_of_the_wait_names_the_budget_it_ran_under()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var context = Lifecycles.Context(await Lifecycles.StartingAsync());
        var ready = new AwaitDaemonReadyHandler(new FakeBuildkitDaemon(), context, time);
        var exited = new AwaitDaemonReadyHandler(new FakeBuildkitDaemon { ProbeOverride = DaemonProbeStatus.Exited }, context, time);
        var neverReady = new AwaitDaemonReadyHandler(new FakeBuildkitDaemon { ProbeOverride = DaemonProbeStatus.NotReady }, context, time);
        var failing = new AwaitDaemonReadyHandler(
            new FakeBuildkitDaemon { ProbeFailure = new ExternalCallException("buildctl debug workers", ExternalErrorKind.Failed, "refused") }, context, time);

        var pending = neverReady.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(3)), Ct).AsTask();
        await AdvanceUntilDoneAsync(time, pending);

        Assert.Equal(90_000, Assert.IsType<DaemonReady>(Assert.Single(Proposed(await ready.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(90)), Ct)))).BudgetMilliseconds);
        Assert.Equal(45_000, Assert.IsType<SetupFailed>(Assert.Single(Proposed(await exited.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(45)), Ct)))).BudgetMilliseconds);
        Assert.Equal(3_000, Assert.IsType<SetupFailed>(Assert.Single(Proposed(await pending))).BudgetMilliseconds);
        var failed = Assert.IsType<SetupFailed>(Assert.Single(Proposed(await failing.Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(20)), Ct))));
        Assert.Equal((20_000L, new CallFailure("buildctl debug workers", ExternalErrorKind.Failed, "refused")), (failed.BudgetMilliseconds, failed.Failure));
    }

    private static IReadOnlyList<LifecycleEvent> Proposed(LifecycleResult result) =>
        Assert.IsType<LifecycleResult.Proposed>(result).Events;

    private static async Task AdvanceUntilDoneAsync(VirtualTime time, Task pending)
    {
        // Step fake time forward until the handler finishes; each step lets its continuation run.
        for (var i = 0; i < 10_000 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Yield();
        }

        Assert.True(pending.IsCompleted, "the handler did not finish within 50 s of fake time");
    }
}
