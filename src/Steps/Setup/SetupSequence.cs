using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// The setup host's order of commands: attach to a running buildkitd this job did not start, or start (or attach to
/// this job's builder), expose, mount, spawn, wait for
/// readiness, register; on a failed step, fall back when allowed. The rules live in the machine and the
/// handlers; this only sequences.
/// </summary>
internal sealed class SetupSequence(ILifecycleSender sender)
{
    public async Task<SequenceOutcome> RunAsync(SetupPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // A buildkitd that this job did not start but can reach is used as it is: no second disk or daemon beside it.
        // Only asked while the job has no builder (the machine admits it from Idle alone).
        var attached = await sender.SendAsync(new AttachForeignBuilder(plan.Session, plan.Setup, plan.Daemon.Root, plan.Daemon.Address), cancellationToken);
        if (attached is LifecycleResult.Applied { Transitions.Count: > 0, Snapshot: var foreign })
        {
            return new SequenceOutcome(foreign, null, []);
        }

        var begun = await sender.SendAsync(new BeginSetup(plan.Session, plan.Setup), cancellationToken);
        if (begun is LifecycleResult.Refused { State: LifecycleState.Ready or LifecycleState.Building })
        {
            // This job already has a builder: use it rather than a second disk and daemon.
            begun = await sender.SendAsync(new AttachSession(plan.Session, plan.Setup.CacheKey), cancellationToken);
        }

        if (begun is not LifecycleResult.Applied { Snapshot: var snapshot })
        {
            return Stopped(begun);
        }

        if (snapshot.State != LifecycleState.Mounting)
        {
            return new SequenceOutcome(snapshot, null, []);
        }

        // Expose and mount once; spawn and wait for readiness once, and once more for each restart the machine allows
        // (a daemon that died on a corrupt cache database, moved aside); then register. A refusal stops the sequence, a
        // failed step skips the rest.
        LifecycleResult? stopped = null;
        async Task<bool> StepAsync(ILifecycleCommand command)
        {
            var result = await sender.SendAsync(command, cancellationToken);
            if (result is not LifecycleResult.Applied applied)
            {
                stopped = result;
                return false;
            }

            snapshot = applied.Snapshot;
            return snapshot.State != LifecycleState.Failed;
        }

        var going = await StepAsync(new ExposeStickyDisk(plan.Session)) && await StepAsync(new MountStickyDisk(plan.Session, plan.MountPoint));
        for (var start = 0; going && start <= LifecycleMachine.MaxDaemonRestarts; start++)
        {
            going = await StepAsync(new SpawnDaemon(plan.Session, plan.Daemon)) && await StepAsync(new AwaitDaemonReady(plan.Session, plan.ReadyBudget));
            if (snapshot is not { State: LifecycleState.Starting, Daemon: null })
            {
                break;
            }
        }

        if (going)
        {
            _ = await StepAsync(new RegisterBuilder(plan.Session));
        }

        if (stopped is not null)
        {
            return Stopped(stopped);
        }

        if (snapshot.State == LifecycleState.Failed && plan.AllowFallback)
        {
            LifecycleResult fallback;
            try
            {
                fallback = await sender.SendAsync(new ActivateFallback(plan.Session, snapshot.SetupFailure ?? "setup failed"), cancellationToken);
            }
            catch (ExternalCallException ex)
            {
                // The setup stays Failed, as without a fallback; the host reports both failures rather than crash.
                return new SequenceOutcome(snapshot, null, [$"the fallback builder failed too: {ex.Message}"]);
            }

            return fallback is LifecycleResult.Applied { Snapshot: var after } ? new SequenceOutcome(after, null, []) : Stopped(fallback);
        }

        return new SequenceOutcome(snapshot, null, []);
    }

    private static SequenceOutcome Stopped(LifecycleResult result) => result is LifecycleResult.Refused refused
        ? new SequenceOutcome(refused.Snapshot, refused, [])
        : throw new InvalidOperationException($"Unexpected lifecycle result {result.GetType().Name}.");
}
