using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>
/// Every state against every trigger, written out so that any change to the machine's structure or to a guard
/// that decides a canonical case fails here until the table is changed with it.
/// </summary>
public sealed class TransitionTableTests
{
    // state | trigger | accepts (the state has a transition for the trigger, guards aside: LifecycleMachine.Accepts)
    //       | where the trigger's canonical event (TestEvents.For) takes the state's canonical snapshot
    //         (CanonicalStates), or "refused". An internal transition goes to its own state.
    private const string Table = """
        Idle       | SetupStarted        | yes | Mounting
        Idle       | BuilderAttached     | yes | Ready
        Idle       | SessionAttached     | no  | refused
        Idle       | DiskExposed         | no  | refused
        Idle       | DiskMounted         | no  | refused
        Idle       | DaemonSpawned       | no  | refused
        Idle       | DaemonReady         | no  | refused
        Idle       | DaemonExited        | no  | refused
        Idle       | BuilderRegistered   | no  | refused
        Idle       | SetupFailed         | no  | refused
        Idle       | FallbackActivated   | no  | refused
        Idle       | BuildStarted        | no  | refused
        Idle       | BuildFinished       | no  | refused
        Idle       | PostRequested       | yes | Done
        Idle       | DaemonStopped       | no  | refused
        Idle       | DiskUnmounted       | no  | refused
        Idle       | EarlierStepsChecked | no  | refused
        Idle       | DiskReleased        | no  | refused
        Idle       | Drained             | no  | refused
        Idle       | CommitRequested     | no  | refused
        Idle       | CommitFailed        | no  | refused
        Idle       | HoldingsFound       | no  | refused

        Mounting   | SetupStarted        | no  | refused
        Mounting   | BuilderAttached     | no  | refused
        Mounting   | SessionAttached     | no  | refused
        Mounting   | DiskExposed         | yes | refused
        Mounting   | DiskMounted         | yes | Starting
        Mounting   | DaemonSpawned       | no  | refused
        Mounting   | DaemonReady         | no  | refused
        Mounting   | DaemonExited        | no  | refused
        Mounting   | BuilderRegistered   | no  | refused
        Mounting   | SetupFailed         | yes | Failed
        Mounting   | FallbackActivated   | no  | refused
        Mounting   | BuildStarted        | no  | refused
        Mounting   | BuildFinished       | no  | refused
        Mounting   | PostRequested       | yes | Draining
        Mounting   | DaemonStopped       | no  | refused
        Mounting   | DiskUnmounted       | no  | refused
        Mounting   | EarlierStepsChecked | no  | refused
        Mounting   | DiskReleased        | no  | refused
        Mounting   | Drained             | no  | refused
        Mounting   | CommitRequested     | no  | refused
        Mounting   | CommitFailed        | no  | refused
        Mounting   | HoldingsFound       | no  | refused

        Starting   | SetupStarted        | no  | refused
        Starting   | BuilderAttached     | no  | refused
        Starting   | SessionAttached     | no  | refused
        Starting   | DiskExposed         | no  | refused
        Starting   | DiskMounted         | no  | refused
        Starting   | DaemonSpawned       | yes | refused
        Starting   | DaemonReady         | yes | Starting
        Starting   | DaemonExited        | yes | refused
        Starting   | BuilderRegistered   | yes | Ready
        Starting   | SetupFailed         | yes | Failed
        Starting   | FallbackActivated   | no  | refused
        Starting   | BuildStarted        | no  | refused
        Starting   | BuildFinished       | no  | refused
        Starting   | PostRequested       | yes | Draining
        Starting   | DaemonStopped       | no  | refused
        Starting   | DiskUnmounted       | no  | refused
        Starting   | EarlierStepsChecked | no  | refused
        Starting   | DiskReleased        | no  | refused
        Starting   | Drained             | no  | refused
        Starting   | CommitRequested     | no  | refused
        Starting   | CommitFailed        | no  | refused
        Starting   | HoldingsFound       | no  | refused

        Ready      | SetupStarted        | no  | refused
        Ready      | BuilderAttached     | no  | refused
        Ready      | SessionAttached     | yes | Ready
        Ready      | DiskExposed         | no  | refused
        Ready      | DiskMounted         | no  | refused
        Ready      | DaemonSpawned       | no  | refused
        Ready      | DaemonReady         | no  | refused
        Ready      | DaemonExited        | no  | refused
        Ready      | BuilderRegistered   | no  | refused
        Ready      | SetupFailed         | no  | refused
        Ready      | FallbackActivated   | no  | refused
        Ready      | BuildStarted        | yes | Building
        Ready      | BuildFinished       | no  | refused
        Ready      | PostRequested       | yes | Draining
        Ready      | DaemonStopped       | no  | refused
        Ready      | DiskUnmounted       | no  | refused
        Ready      | EarlierStepsChecked | no  | refused
        Ready      | DiskReleased        | no  | refused
        Ready      | Drained             | no  | refused
        Ready      | CommitRequested     | no  | refused
        Ready      | CommitFailed        | no  | refused
        Ready      | HoldingsFound       | no  | refused

        Building   | SetupStarted        | no  | refused
        Building   | BuilderAttached     | no  | refused
        Building   | SessionAttached     | yes | Building
        Building   | DiskExposed         | no  | refused
        Building   | DiskMounted         | no  | refused
        Building   | DaemonSpawned       | no  | refused
        Building   | DaemonReady         | no  | refused
        Building   | DaemonExited        | no  | refused
        Building   | BuilderRegistered   | no  | refused
        Building   | SetupFailed         | no  | refused
        Building   | FallbackActivated   | no  | refused
        Building   | BuildStarted        | yes | Building
        Building   | BuildFinished       | yes | Ready
        Building   | PostRequested       | yes | Draining
        Building   | DaemonStopped       | no  | refused
        Building   | DiskUnmounted       | no  | refused
        Building   | EarlierStepsChecked | no  | refused
        Building   | DiskReleased        | no  | refused
        Building   | Drained             | no  | refused
        Building   | CommitRequested     | no  | refused
        Building   | CommitFailed        | no  | refused
        Building   | HoldingsFound       | no  | refused

        Draining   | SetupStarted        | no  | refused
        Draining   | BuilderAttached     | no  | refused
        Draining   | SessionAttached     | no  | refused
        Draining   | DiskExposed         | no  | refused
        Draining   | DiskMounted         | no  | refused
        Draining   | DaemonSpawned       | no  | refused
        Draining   | DaemonReady         | no  | refused
        Draining   | DaemonExited        | no  | refused
        Draining   | BuilderRegistered   | no  | refused
        Draining   | SetupFailed         | no  | refused
        Draining   | FallbackActivated   | no  | refused
        Draining   | BuildStarted        | no  | refused
        Draining   | BuildFinished       | yes | Draining
        Draining   | PostRequested       | yes | Draining
        Draining   | DaemonStopped       | yes | Draining
        Draining   | DiskUnmounted       | yes | refused
        Draining   | EarlierStepsChecked | yes | Draining
        Draining   | DiskReleased        | yes | refused
        Draining   | Drained             | yes | refused
        Draining   | CommitRequested     | no  | refused
        Draining   | CommitFailed        | no  | refused
        Draining   | HoldingsFound       | yes | refused

        Committing | SetupStarted        | no  | refused
        Committing | BuilderAttached     | no  | refused
        Committing | SessionAttached     | no  | refused
        Committing | DiskExposed         | no  | refused
        Committing | DiskMounted         | no  | refused
        Committing | DaemonSpawned       | no  | refused
        Committing | DaemonReady         | no  | refused
        Committing | DaemonExited        | no  | refused
        Committing | BuilderRegistered   | no  | refused
        Committing | SetupFailed         | no  | refused
        Committing | FallbackActivated   | no  | refused
        Committing | BuildStarted        | no  | refused
        Committing | BuildFinished       | no  | refused
        Committing | PostRequested       | yes | Committing
        Committing | DaemonStopped       | no  | refused
        Committing | DiskUnmounted       | no  | refused
        Committing | EarlierStepsChecked | no  | refused
        Committing | DiskReleased        | no  | refused
        Committing | Drained             | no  | refused
        Committing | CommitRequested     | yes | Done
        Committing | CommitFailed        | yes | Done
        Committing | HoldingsFound       | no  | refused

        Done       | SetupStarted        | no  | refused
        Done       | BuilderAttached     | no  | refused
        Done       | SessionAttached     | no  | refused
        Done       | DiskExposed         | no  | refused
        Done       | DiskMounted         | no  | refused
        Done       | DaemonSpawned       | no  | refused
        Done       | DaemonReady         | no  | refused
        Done       | DaemonExited        | no  | refused
        Done       | BuilderRegistered   | no  | refused
        Done       | SetupFailed         | no  | refused
        Done       | FallbackActivated   | no  | refused
        Done       | BuildStarted        | no  | refused
        Done       | BuildFinished       | no  | refused
        Done       | PostRequested       | yes | Done
        Done       | DaemonStopped       | no  | refused
        Done       | DiskUnmounted       | no  | refused
        Done       | EarlierStepsChecked | no  | refused
        Done       | DiskReleased        | no  | refused
        Done       | Drained             | no  | refused
        Done       | CommitRequested     | no  | refused
        Done       | CommitFailed        | no  | refused
        Done       | HoldingsFound       | no  | refused

        Failed     | SetupStarted        | no  | refused
        Failed     | BuilderAttached     | no  | refused
        Failed     | SessionAttached     | no  | refused
        Failed     | DiskExposed         | no  | refused
        Failed     | DiskMounted         | no  | refused
        Failed     | DaemonSpawned       | no  | refused
        Failed     | DaemonReady         | no  | refused
        Failed     | DaemonExited        | no  | refused
        Failed     | BuilderRegistered   | no  | refused
        Failed     | SetupFailed         | no  | refused
        Failed     | FallbackActivated   | yes | Ready
        Failed     | BuildStarted        | no  | refused
        Failed     | BuildFinished       | no  | refused
        Failed     | PostRequested       | yes | Draining
        Failed     | DaemonStopped       | no  | refused
        Failed     | DiskUnmounted       | no  | refused
        Failed     | EarlierStepsChecked | no  | refused
        Failed     | DiskReleased        | no  | refused
        Failed     | Drained             | no  | refused
        Failed     | CommitRequested     | no  | refused
        Failed     | CommitFailed        | no  | refused
        Failed     | HoldingsFound       | no  | refused
        """;

    public static TheoryData<LifecycleState, LifecycleTrigger, bool, string> Rows()
    {
        var rows = new TheoryData<LifecycleState, LifecycleTrigger, bool, string>();
        foreach (var row in ParseTable())
        {
            rows.Add(row.State, row.Trigger, row.Accepts, row.Expected);
        }

        return rows;
    }

    [Fact]
    public void Table_lists_every_state_and_trigger_pair_exactly_once()
    {
        var listed = ParseTable().Select(r => (r.State, r.Trigger)).ToList();
        var every = Enum.GetValues<LifecycleState>().SelectMany(s => Enum.GetValues<LifecycleTrigger>().Select(t => (s, t))).ToList();

        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Empty(every.Except(listed));
        Assert.Empty(listed.Except(every));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Accepts_answers_as_the_table_says(LifecycleState state, LifecycleTrigger trigger, bool accepts, string expected)
    {
        _ = expected;
        Assert.Equal(accepts, LifecycleMachine.Accepts(state, trigger));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Canonical_event_goes_where_the_table_says(LifecycleState state, LifecycleTrigger trigger, bool accepts, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = await CanonicalStates.ReachAsync(state, ct);
        var session = TestEvents.SessionFor(trigger);
        var before = await harness.LoadAsync(session, ct);

        var transition = LifecycleMachine.Evaluate(before, TestEvents.For(trigger), new EventContext(session, harness.Time.GetUtcNow()));

        if (expected == "refused")
        {
            var refused = Assert.IsType<LifecycleTransition.Refused>(transition);
            Assert.Equal(state, refused.State);
            Assert.Equal(trigger, refused.Trigger);
        }
        else
        {
            Assert.True(accepts, "a row that moves must also accept the trigger");
            var moved = Assert.IsType<LifecycleTransition.Moved>(transition);
            Assert.Equal(state, moved.From);
            Assert.Equal(Enum.Parse<LifecycleState>(expected), moved.To);
            Assert.Equal(moved.To, moved.After.State);
        }
    }

    [Fact]
    public void A_trigger_the_state_has_no_transition_for_is_refused_with_no_unmet_guard()
    {
        var transition = LifecycleMachine.Evaluate(
            LifecycleSnapshot.Initial(TestSessions.Owner),
            TestEvents.For(LifecycleTrigger.BuildStarted),
            new EventContext(TestSessions.Owner, SnapshotBuilder.Start));

        var refused = Assert.IsType<LifecycleTransition.Refused>(transition);
        Assert.Empty(refused.Unmet);
        Assert.Equal("BuildStarted is not permitted in state Idle", refused.Describe());
    }

    private static IEnumerable<(LifecycleState State, LifecycleTrigger Trigger, bool Accepts, string Expected)> ParseTable() =>
        Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => (
                Enum.Parse<LifecycleState>(cells[0]),
                Enum.Parse<LifecycleTrigger>(cells[1]),
                cells[2] switch
                {
                    "yes" => true,
                    "no" => false,
                    _ => throw new FormatException($"accepts must be yes or no, not '{cells[2]}'"),
                },
                cells[3] == "refused" ? cells[3] : Enum.Parse<LifecycleState>(cells[3]).ToString()));
}
