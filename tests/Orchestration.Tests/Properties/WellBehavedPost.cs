using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Properties;

/// <summary>
/// The owner's post as the post host runs it, one command per step in a process of its own, each step decided
/// from the lifecycle as the journal has it (so a post run again after a crash resumes): begin post; stop the daemon
/// if one may still run; unmount if mounted and no daemon may still run on it; check earlier steps if unchecked;
/// release if the machine says a release is due; Drained once nothing runs and nothing is mounted; then the commit
/// request if the lifecycle is Committing. What each external action answers is random.
/// </summary>
internal sealed class WellBehavedPost(JournalHarness harness, Faker f, List<string> story)
{
    private readonly LifecycleJournal _journal = harness.NewProcess();
    private int _budget;
    private LifecycleSnapshot _snapshot = LifecycleSnapshot.Initial(TestSessions.Owner);

    /// <summary>Refusals of the post's own steps: a well-behaved post should meet none.</summary>
    public List<string> Refusals { get; } = [];

    /// <summary>Runs the post, or its first <paramref name="steps"/> firings when the host is killed after them.</summary>
    public async Task<LifecycleSnapshot> RunAsync(int steps, CancellationToken ct)
    {
        _budget = steps;
        _snapshot = await _journal.LoadAsync(TestSessions.Owner, ct);
        if (!await FireAsync(new PostRequested(), ct))
        {
            return _snapshot;
        }

        if (_snapshot.State == LifecycleState.Draining)
        {
            if (JobHoldings.IsRunning(_snapshot)
                && !await FireAsync(new DaemonStopped(f.Random.WeightedRandom(
                    [DaemonStopOutcome.Graceful, DaemonStopOutcome.AlreadyGone, DaemonStopOutcome.Forced, DaemonStopOutcome.Failed],
                    [0.6f, 0.15f, 0.15f, 0.1f])), ct))
            {
                return _snapshot;
            }

            if (_snapshot.Disk.Mounted && !JobHoldings.IsRunning(_snapshot)
                && !await FireAsync(f.Random.WeightedRandom<DiskUnmounted>(
                    [new DiskUnmounted(true, f.Random.Long(0, 1L << 36)), new DiskUnmounted(false, null, "target is busy"), new DiskUnmounted(false, null, "sync failed", StillMounted: false)],
                    [0.85f, 0.1f, 0.05f]), ct))
            {
                return _snapshot;
            }

            if (_snapshot.EarlierSteps == EarlierStepsResult.Unchecked
                && !await FireAsync(new EarlierStepsChecked(
                    f.Random.WeightedRandom(
                        [EarlierStepsResult.Succeeded, EarlierStepsResult.Failed, EarlierStepsResult.Cancelled, EarlierStepsResult.Inconclusive],
                        [0.8f, 0.1f, 0.05f, 0.05f]),
                    "job-status input"), ct))
            {
                return _snapshot;
            }

            if (LifecycleMachine.IsReleaseDue(_snapshot) && !await FireAsync(new DiskReleased(f.Random.Bool(0.8f)), ct))
            {
                return _snapshot;
            }

            if (!LifecycleMachine.EverythingReleased(_snapshot) || !await FireAsync(new Drained(), ct))
            {
                return _snapshot;
            }
        }

        if (_snapshot.State == LifecycleState.Committing)
        {
            await FireAsync(f.Random.Bool(0.8f) ? new CommitRequested(_snapshot.Disk.FsUsageBytes) : new CommitFailed("the agent refused the commit"), ct);
        }

        return _snapshot;
    }

    // False when the host was killed before this step (the budget is spent) or the step was refused.
    private async Task<bool> FireAsync(LifecycleEvent @event, CancellationToken ct)
    {
        if (_budget-- <= 0)
        {
            story.Add($"post killed before {@event.Trigger}");
            return false;
        }

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var fired = await _journal.FireAsync(_snapshot, TestSessions.Owner, [@event], ct);
        _snapshot = fired.Snapshot;
        story.Add($"post {@event} -> {(fired.Refused is { } r ? $"refused: {r.Describe()}" : _snapshot.State.ToString())}");
        if (fired.Refused is { } refused)
        {
            Refusals.Add($"{@event}: {refused.Describe()}");
            return false;
        }

        return true;
    }
}
