using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>
/// A step's process pays for the machine's configuration on every start, and configuring a guard is the costly part
/// (Stateless reads its delegate's MethodInfo, which under Native AOT maps every reflectable method of the image).
/// </summary>
public sealed class LifecycleMachineColdStartTests
{
    [Fact]
    public void A_post_with_nothing_to_clean_up_configures_only_Idle_which_has_no_guard()
    {
        var configured = OnFreshThread(() =>
        {
            var idle = LifecycleSnapshot.Initial(TestSessions.Owner);
            Assert.True(LifecycleMachine.Admits(idle, LifecycleTrigger.PostRequested, out _));
            var moved = Assert.IsType<LifecycleTransition.Moved>(
                LifecycleMachine.Evaluate(idle, TestEvents.For(LifecycleTrigger.PostRequested), new EventContext(TestSessions.Owner, SnapshotBuilder.Start)));
            Assert.Equal(LifecycleState.Done, moved.To);
            return LifecycleMachine.ConfiguredOnThisThread();
        });

        Assert.Equal([LifecycleState.Idle], configured);
    }

    [Fact]
    public void A_thread_configures_each_state_once_when_a_firing_first_leaves_it()
    {
        // Reached on the test's thread, which fires the events that lead there.
        var mounting = new SnapshotBuilder().StartSetup().Snapshot;
        var configured = OnFreshThread(() =>
        {
            var context = new EventContext(TestSessions.Owner, SnapshotBuilder.Start);
            LifecycleMachine.Evaluate(mounting, new DiskMounted(TestEvents.MountPoint, false), context);
            LifecycleMachine.Evaluate(mounting, new DiskMounted(TestEvents.MountPoint, false), context);
            return LifecycleMachine.ConfiguredOnThisThread();
        });

        Assert.Equal([LifecycleState.Mounting], configured);
    }

    [Fact]
    public void Admitting_and_firing_a_trigger_build_one_machine_on_a_thread()
    {
        // The admission's check built a machine of its own to read Stateless's reflection info, 4.7 % of a post with
        // nothing to clean up; it now asks the thread's machine, which the firing then uses.
        var mounting = new SnapshotBuilder().StartSetup().Snapshot;
        var built = OnFreshThread(() =>
        {
            Assert.True(LifecycleMachine.Admits(mounting, LifecycleTrigger.DiskMounted, out _));
            LifecycleMachine.Evaluate(mounting, new DiskMounted(TestEvents.MountPoint, false), new EventContext(TestSessions.Owner, SnapshotBuilder.Start));
            return LifecycleMachine.MachinesBuiltOnThisThread();
        });

        Assert.Equal(1, built);
    }

    private static T OnFreshThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
#pragma warning disable CA1031 // Rethrown on the test's thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("the work failed on its thread", failure);
    }
}
