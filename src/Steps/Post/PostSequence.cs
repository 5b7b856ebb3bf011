using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Mediator;

namespace Blacksmith.Steps.Post;

/// <summary>
/// The post host's order of commands: begin post; then, for the owner, prune the cache (best effort), stop the
/// daemon, unmount, check earlier steps, release if the machine says a release is due, finish draining, and commit
/// if the policy led to Committing. A step that throws does not stop the ones after it: whatever was acquired is still released.
/// </summary>
public sealed class PostSequence(ISender sender)
{
    public async Task<SequenceOutcome> RunAsync(string session, CancellationToken cancellationToken)
    {
        var begun = await sender.Send(new BeginPost(session), cancellationToken);
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
            new PruneCache(session),
            new StopDaemon(session),
            new UnmountStickyDisk(session),
            new CheckEarlierSteps(session),
            new ReleaseStickyDisk(session),
            new FinishDraining(session),
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
            return await sender.Send(command, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.Add($"{command.GetType().Name}: {ex.Message}");
            return null;
        }
    }
}
