using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Post;

/// <summary>
/// The post host's order of commands: begin post as the session that owns the builder (<see cref="PostSession"/>);
/// then, for the owner, look for what an unfinished setup left unrecorded, prune the cache (best effort), stop the
/// daemon, unmount, check earlier steps, release if the machine says a release is due, and finish draining once nothing
/// runs and nothing is mounted; commit if the policy led to Committing. A step that throws does not stop the ones after
/// it: whatever was acquired is still released. A drain that could not stop the daemon or unmount the disk ends there,
/// in Draining: nothing is released or committed under it, and a post run again resumes.
/// </summary>
internal sealed class PostSequence(ILifecycleSender sender, LifecycleJournal journal)
{
    /// <summary>The post of a host that ran setup itself as <paramref name="session"/> (a whole job in one process, a replay).</summary>
    public Task<SequenceOutcome> RunAsync(string session, DaemonLaunch launch, CancellationToken cancellationToken) =>
        RunAsync(new PostPlan(session, session, launch, PostPerSetup: true), cancellationToken);

    public async Task<SequenceOutcome> RunAsync(PostPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var session = PostSession.Resolve(await journal.LoadAsync(plan.FreshSession, cancellationToken), plan);
        var begun = await sender.SendAsync(new BeginPost(session), cancellationToken);
        if (begun is LifecycleResult.Refused refused)
        {
            return new SequenceOutcome(refused.Snapshot, refused, []);
        }

        var snapshot = ((LifecycleResult.Applied)begun).Snapshot;
        if (!snapshot.IsOwner || snapshot.State is not (LifecycleState.Draining or LifecycleState.Committing))
        {
            return new SequenceOutcome(snapshot, null, []);
        }

        var errors = new List<string>();
        ILifecycleCommand[] drain =
        [
            new ReconcileHoldings(session, plan.Launch),
            new PruneCache(session),
            new StopDaemon(session),
            new UnmountStickyDisk(session),
            new CheckEarlierSteps(session),
            new ReleaseStickyDisk(session),
        ];
        foreach (var step in snapshot.State == LifecycleState.Draining ? drain : [])
        {
            switch (await SendAsync(step, errors, cancellationToken))
            {
                case LifecycleResult.Applied applied:
                    snapshot = applied.Snapshot;
                    break;
                case LifecycleResult.Refused stepRefused:
                    return new SequenceOutcome(stepRefused.Snapshot, stepRefused, errors);
            }
        }

        // Only with nothing left running or mounted: the machine would refuse it, and the held resources are the outcome.
        if (snapshot.State == LifecycleState.Draining && LifecycleMachine.EverythingReleased(snapshot)
            && await SendAsync(new FinishDraining(session), errors, cancellationToken) is LifecycleResult.Applied drained)
        {
            snapshot = drained.Snapshot;
        }

        if (snapshot.State == LifecycleState.Committing
            && await SendAsync(new CommitStickyDisk(session), errors, cancellationToken) is LifecycleResult.Applied committed)
        {
            snapshot = committed.Snapshot;
        }

        return new SequenceOutcome(snapshot, null, errors);
    }

    private async Task<LifecycleResult?> SendAsync(ILifecycleCommand command, List<string> errors, CancellationToken cancellationToken)
    {
        try
        {
            return await sender.SendAsync(command, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.Add($"{command.GetType().Name}: {ex.Message}");
            return null;
        }
    }
}
