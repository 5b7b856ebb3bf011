using Blacksmith.Orchestration.Policy;
using Stateless;
using Stateless.Graph;
using Stateless.Reflection;
using static Blacksmith.Orchestration.Lifecycle.LifecycleState;
using static Blacksmith.Orchestration.Lifecycle.LifecycleTrigger;

namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// Every transition and guard of the builder lifecycle, in one place. The machine is pure: guards read the
/// <see cref="GuardFacts"/>, there are no entry or exit actions, and nothing here does I/O. Guards that share a
/// trigger in one state are mutually exclusive, so a trigger either has exactly one way forward or is refused.
/// </summary>
internal static class LifecycleMachine
{
    /// <summary>Every state, in the order the diagram lists them.</summary>
    private static readonly LifecycleState[] States = [Idle, Mounting, Starting, Failed, Ready, Building, Draining, Committing, Done];

    private static readonly LifecycleState[] SetupStates = [Mounting, Starting];

    /// <summary>The states that may hold something, which the owner's post drains.</summary>
    private static readonly LifecycleState[] DrainedByPost = [Mounting, Starting, Ready, Building, Failed];

    private static readonly LifecycleSnapshot Unloaded = LifecycleSnapshot.Initial(string.Empty);

    /// <summary>One past the largest state's number: the length of the arrays indexed by state.</summary>
    private static readonly int StateCount = LifecycleNames.StateCount;

    /// <summary>
    /// Whether each state has a transition for each trigger, by state and trigger, each pair worked out when first asked:
    /// <see cref="Unasked"/>, <see cref="Refuses"/> or <see cref="Answers"/>.
    /// </summary>
    private static readonly byte[]?[] Accepted = new byte[]?[StateCount];

    private const byte Unasked = 0;
    private const byte Refuses = 1;
    private const byte Answers = 2;

    [ThreadStatic]
    private static ThreadMachine? t_machine;

    [ThreadStatic]
    private static int t_machinesBuilt;

    /// <summary>
    /// Triggers only the owning session may fire: the effects behind them act on the disk and daemon it acquired,
    /// and an attached session must never stop, unmount, release or commit what it does not own.
    /// A flag per trigger rather than a set: every step asks it, and a frozen set's construction was 1.4 % of a post.
    /// </summary>
    private static readonly bool[] OwnerOnly = Flags(
        DiskExposed, DiskMounted, DaemonSpawned, DaemonReady, DaemonExited, BuilderRegistered, SetupFailed, FallbackActivated,
        DaemonStopped, DiskUnmounted, EarlierStepsChecked, DiskReleased, Drained, CommitRequested, CommitFailed, HoldingsFound);

    /// <summary>Fires <paramref name="pending"/> against <paramref name="before"/> and returns where the lifecycle goes.</summary>
    public static LifecycleTransition Evaluate(LifecycleSnapshot before, Events.LifecycleEvent pending, Events.EventContext context)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(pending);
        if (IsOwnerOnly(pending.Trigger) && before.OwnerSession != context.Session)
        {
            return new LifecycleTransition.Refused(before.State, pending.Trigger, [OwnerOnlyMessage(before)]);
        }

        var after = pending.Apply(before, context) with { UpdatedAt = context.At };
        // The graph is the same for every firing: each thread configures it once, over facts it reloads per firing
        // (configuring it per event was a large share of a replay's time). Evaluate is synchronous and guards never
        // fire the machine, so one thread's machine serves one firing at a time.
        // Each state's transitions are configured when a firing first leaves it: Stateless reads every guard's
        // MethodInfo as it is configured, which under Native AOT builds a map of every reflectable method in the image
        // on the first read, and a post with nothing to clean up leaves only Idle, which has no guard.
        var (machine, facts) = MachineIn(before.State);
        facts.Load(before, pending, after);
        try
        {
            if (!machine.CanFire(pending.Trigger, out var unmet))
            {
                // Stateless reports no unmet guards (null) when the state has no transition for the trigger at all.
                return new LifecycleTransition.Refused(before.State, pending.Trigger, unmet is null ? [] : [.. unmet]);
            }

            machine.Fire(pending.Trigger);
            return new LifecycleTransition.Moved(before.State, facts.State, pending, after with { State = facts.State });
        }
        finally
        {
            // Keeps no job's snapshots alive between firings.
            facts.Load(Unloaded, null, Unloaded);
        }
    }

    /// <summary>
    /// Whether <paramref name="state"/> has any transition for <paramref name="trigger"/>, guards aside: the check
    /// a command passes before it does any effect.
    /// </summary>
    public static bool Accepts(LifecycleState state, LifecycleTrigger trigger)
    {
        if ((uint)trigger >= (uint)LifecycleNames.TriggerCount)
        {
            return false;
        }

        // Racing threads work out the same answers; a pair one of them loses is worked out again when next asked.
        var answers = LazyInitializer.EnsureInitialized(ref Accepted[(int)state], static () => new byte[LifecycleNames.TriggerCount]);
        var answer = answers[(int)trigger];
        if (answer == Unasked)
        {
            answer = AcceptedFrom(state, trigger) ? Answers : Refuses;
            answers[(int)trigger] = answer;
        }

        return answer == Answers;
    }

    /// <summary>
    /// Whether the lifecycle admits <paramref name="trigger"/> from <paramref name="snapshot"/>'s session before any
    /// effect: the state has a transition for it, and an owner-only trigger comes from the owner. Guards that depend
    /// on the event's facts are checked when the event is fired.
    /// </summary>
    public static bool Admits(LifecycleSnapshot snapshot, LifecycleTrigger trigger, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        reason = !Accepts(snapshot.State, trigger) ? $"no {LifecycleNames.Of(trigger)} transition from {LifecycleNames.Of(snapshot.State)}"
            : IsOwnerOnly(trigger) && !snapshot.IsOwner ? OwnerOnlyMessage(snapshot)
            : null;
        return reason is null;
    }

    private static string OwnerOnlyMessage(LifecycleSnapshot snapshot) =>
        snapshot.OwnerSession is null
            ? "no session owns a builder in this job"
            : $"only the session that owns the builder ({snapshot.OwnerSession}) may do this";

    /// <summary>How many Stateless machines this thread has built (the cold path's tests read it).</summary>
    public static int MachinesBuiltOnThisThread() => t_machinesBuilt;

    /// <summary>The states this thread's machine has configured so far (the cold path's tests read it).</summary>
    public static IReadOnlyList<LifecycleState> ConfiguredOnThisThread() =>
        t_machine is { } machine ? [.. States.Where(s => machine.Configured[(int)s])] : [];

    /// <summary>The machine's structure, for the diagram.</summary>
    public static StateMachineInfo Describe() => Configure(GuardFacts.Describing(Idle)).GetInfo();

    /// <summary>The Mermaid state diagram, generated from the configuration (docs/state-diagram.md embeds it).</summary>
    public static string MermaidDiagram() => MermaidGraph.Format(Describe());

    private static StateMachine<LifecycleState, LifecycleTrigger> Configure(GuardFacts f)
    {
        var m = NewMachine(f);
        foreach (var state in States)
        {
            ConfigureState(m, f, state);
        }

        return m;
    }

    private static StateMachine<LifecycleState, LifecycleTrigger> NewMachine(GuardFacts f)
    {
        t_machinesBuilt++;
        return new(() => f.State, s => f.State = s);
    }

    /// <summary>The transitions out of <paramref name="state"/>, all of them: nothing else configures that state.</summary>
    private static void ConfigureState(StateMachine<LifecycleState, LifecycleTrigger> m, GuardFacts f, LifecycleState state)
    {
        var c = m.Configure(state);
        switch (state)
        {
            case Idle:
                c.Permit(SetupStarted, Mounting)
                    .Permit(BuilderAttached, Ready)
                    .Permit(PostRequested, Done);
                break;

            case Mounting:
                c.InternalTransitionIf(DiskExposed, _ => !f.Before.Disk.HoldsExposeId, _ => { }, "no disk was exposed yet")
                    .PermitIf(DiskMounted, Starting, () => f.Before.Disk.HoldsExposeId, "a disk was exposed");
                break;

            case Starting:
                c.InternalTransitionIf(DaemonSpawned, _ => f.Before.Daemon is null, _ => { }, "no daemon was spawned yet")
                    .InternalTransitionIf(DaemonReady, _ => f.Before.Daemon is not null, _ => { }, "the daemon was spawned")
                    // The restart a DaemonExited allows is bounded here, so setup's loop cannot spawn the daemon a third time.
                    .InternalTransitionIf(DaemonExited, _ => f.Before.Daemon is not null && !f.Before.DaemonReady && MayRestartDaemon(f.Before), _ => { }, "a spawned daemon exited before it was ready, and it was not restarted yet")
                    .PermitIf(BuilderRegistered, Ready, () => f.Before.DaemonReady, "the daemon is ready");
                break;

            case Failed:
                c.Permit(FallbackActivated, Ready);
                break;

            case Ready:
                c.PermitIf(BuildStarted, Building, () => IsNewBuild(f), "the build id is new")
                    .InternalTransitionIf(SessionAttached, _ => CacheKeyMatches(f), _ => { }, "the cache key is the running builder's");
                break;

            case Building:
                c.InternalTransitionIf(BuildStarted, _ => IsNewBuild(f), _ => { }, "the build id is new")
                    .InternalTransitionIf(BuildFinished, _ => IsRunningBuild(f) && f.After.BuildsInFlight > 0, _ => { }, "the build was running and others still are")
                    .PermitIf(BuildFinished, Ready, () => IsRunningBuild(f) && f.After.BuildsInFlight == 0, "the build was the last one running")
                    .InternalTransitionIf(SessionAttached, _ => CacheKeyMatches(f), _ => { }, "the cache key is the running builder's");
                break;

            case Draining:
                // A post run again after its host was killed resumes where the journal left off.
                c.InternalTransitionIf(PostRequested, _ => f.Before.IsOwner, _ => { }, "the owner's post resumes")
                    .InternalTransitionIf(PostRequested, _ => !f.Before.IsOwner, _ => { }, "the session does not own the builder")
                    .InternalTransitionIf(BuildFinished, _ => IsAbandonedBuild(f), _ => { }, "the build was still running when post began")
                    // What a setup killed between an effect and its record acquired, found on the machine: only what the
                    // journal did not know, and only while the setup never finished (a finished setup recorded everything).
                    .InternalTransitionIf(HoldingsFound, _ => IsNewFinding(f), _ => { }, "setup never finished and the journal did not record what was found")
                    // A stop or an unmount that failed may be tried again (a post run again); one that succeeded may not.
                    .InternalTransitionIf(DaemonStopped, _ => IsStopDue(f.Before), _ => { }, "a daemon was spawned and may still run")
                    .InternalTransitionIf(DiskUnmounted, _ => IsUnmountDue(f.Before), _ => { }, "the disk is still mounted, no daemon may run on it and no look is owed")
                    .InternalTransitionIf(EarlierStepsChecked, _ => IsEarlierStepsCheckDue(f.Before), _ => { }, "earlier steps were not checked yet")
                    .InternalTransitionIf(DiskReleased, _ => IsReleaseDue(f.Before), _ => { }, "the policy skips the commit and the expose id was not settled yet")
                    .PermitIf(Drained, Committing, () => EverythingReleased(f.Before) && CommitPolicy.Decide(f.Before).IsCommit, "everything was released and the commit policy commits")
                    .PermitIf(Drained, Done, () => EverythingReleased(f.Before) && !CommitPolicy.Decide(f.Before).IsCommit && !IsReleaseDue(f.Before), "everything was released and the commit policy skips");
                break;

            case Committing:
                c.InternalTransitionIf(PostRequested, _ => f.Before.IsOwner, _ => { }, "the owner's post resumes")
                    .InternalTransitionIf(PostRequested, _ => !f.Before.IsOwner, _ => { }, "the session does not own the builder")
                    .Permit(CommitRequested, Done)
                    .Permit(CommitFailed, Done);
                break;

            case Done:
                // Attached sessions' posts, and a post run again after the lifecycle ended, have nothing left to do.
                c.Ignore(PostRequested);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "a lifecycle state without its transitions");
        }

        if (SetupStates.Contains(state))
        {
            c.Permit(SetupFailed, Failed);
        }

        if (DrainedByPost.Contains(state))
        {
            // Post from the owner drains whatever was acquired, from any state that may hold something; from an
            // attached session it only reports, and the owner's post does the work.
            c.PermitIf(PostRequested, Draining, () => f.Before.IsOwner, "the session owns the builder")
                .InternalTransitionIf(PostRequested, _ => !f.Before.IsOwner, _ => { }, "the session does not own the builder");
        }
    }

    private static bool CacheKeyMatches(GuardFacts f) =>
        f.Pending is Events.SessionAttached attached && attached.CacheKey == f.Before.Setup?.CacheKey;

    private static bool IsNewBuild(GuardFacts f) =>
        f.Pending is Events.BuildStarted started && f.Before.FindBuild(started.BuildId) is null;

    private static bool IsRunningBuild(GuardFacts f) =>
        f.Pending is Events.BuildFinished finished && f.Before.FindBuild(finished.BuildId) is { IsRunning: true };

    private static bool IsNewFinding(GuardFacts f) =>
        f.Pending is Events.HoldingsFound found
        && f.Before.SetupNeverFinished
        && (!found.FoundNothing() || found.Unsearched != f.Before.Unreconciled)
        && (found.ExposeId is null || !f.Before.Disk.HoldsExposeId)
        && (found.MountPoint is null || !f.Before.Disk.Mounted)
        && (found.Daemon is null || f.Before.Daemon is null);

    private static bool IsAbandonedBuild(GuardFacts f) =>
        f.Pending is Events.BuildFinished finished && f.Before.FindBuild(finished.BuildId) is { Outcome: BuildOutcome.Abandoned, FinishedAt: null };

    /// <summary>
    /// No daemon of the job may still run (none was spawned, or it was stopped, killed or found gone), its disk is not
    /// mounted (never was, or was unmounted, even if not cleanly), and no look for what an unfinished setup left is owed.
    /// A stop or an unmount that failed releases nothing: the drain cannot finish, and the disk is neither released nor
    /// committed under a running daemon or a live mount.
    /// </summary>
    public static bool EverythingReleased(LifecycleSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return !JobHoldings.IsRunning(s) && !s.Disk.Mounted && s.Unreconciled is null;
    }

    /// <summary>
    /// How many times setup may start the daemon again after it died on a corrupt cache database (moved aside first).
    /// Once is enough to heal a corrupt cache; a daemon that dies again fails the setup instead of looping.
    /// </summary>
    public const int MaxDaemonRestarts = 1;

    /// <summary>A daemon that exited before it was ready may be started once more (<see cref="MaxDaemonRestarts"/>).</summary>
    public static bool MayRestartDaemon(LifecycleSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.DaemonRestarts < MaxDaemonRestarts;
    }

    /// <summary>Post owes a stop: the daemon was spawned and may still run (a stop that failed is tried again).</summary>
    public static bool IsStopDue(LifecycleSnapshot s) => JobHoldings.IsRunning(s);

    /// <summary>
    /// Post owes an unmount: the disk is still mounted (an unmount that failed is tried again), and it is never unmounted
    /// from under a daemon that may still run or while a look for one an unfinished setup may have left is owed.
    /// </summary>
    public static bool IsUnmountDue(LifecycleSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Disk.Mounted && !JobHoldings.IsRunning(s) && s.Unreconciled is null;
    }

    /// <summary>Post owes the check of the job's earlier steps: it was not made yet.</summary>
    public static bool IsEarlierStepsCheckDue(LifecycleSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.EarlierSteps == EarlierStepsResult.Unchecked;
    }

    /// <summary>
    /// Post prunes the cache before the stop: a maximum size was asked for and the daemon is ready and not yet stopped
    /// (one that never became ready has no cache worth pruning). A prune records no fact, so no guard checks this at
    /// append time; it is the machine's rule all the same, beside the stop it precedes.
    /// </summary>
    public static bool IsPruneDue(LifecycleSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Setup?.MaxCacheSizeMegabytes > 0 && s.Daemon is not null && s.DaemonReady && s.DaemonStop == DaemonStopOutcome.None;
    }

    /// <summary>A skipped commit still owes the store an explicit release of the expose id, unless turned off.</summary>
    public static bool IsReleaseDue(LifecycleSnapshot s) =>
        s.IsOwner
        && s.Disk.HoldsExposeId
        && s.Disk.Released is null
        && s.Setup?.ReleaseOnSkip != false
        && EverythingReleased(s)
        && !CommitPolicy.Decide(s).IsCommit;

    /// <summary>
    /// <paramref name="trigger"/>'s answer for <paramref name="state"/>, asked of this thread's machine, which the firing
    /// that follows uses too (a machine of its own, read through Stateless's reflection info, was 4.7 % of a post with
    /// nothing to clean up; every trigger's answer at once, 1.5 % of one that asks for one): Stateless reports unmet
    /// guards (not null) when the state has a transition for the trigger and its guards refuse it, and null when it has none.
    /// </summary>
    private static bool AcceptedFrom(LifecycleState state, LifecycleTrigger trigger)
    {
        var stateOnly = LifecycleSnapshot.Initial(string.Empty) with { State = state };
        var (machine, facts) = MachineIn(state);
        facts.Load(stateOnly, null, stateOnly);
        try
        {
            return machine.CanFire(trigger, out var unmet) || unmet is not null;
        }
        finally
        {
            facts.Load(Unloaded, null, Unloaded);
        }
    }

    /// <summary>This thread's machine and the facts its guards read, with <paramref name="state"/>'s transitions configured.</summary>
    private static (StateMachine<LifecycleState, LifecycleTrigger> Machine, GuardFacts Facts) MachineIn(LifecycleState state)
    {
        var (machine, facts, configured) = t_machine ??= new ThreadMachine();
        if (!configured[(int)state])
        {
            ConfigureState(machine, facts, state);
            configured[(int)state] = true;
        }

        return (machine, facts);
    }

    private static bool IsOwnerOnly(LifecycleTrigger trigger) => (uint)trigger < (uint)OwnerOnly.Length && OwnerOnly[(int)trigger];

    private static bool[] Flags(params LifecycleTrigger[] triggers)
    {
        var flags = new bool[LifecycleNames.TriggerCount];
        foreach (var trigger in triggers)
        {
            flags[(int)trigger] = true;
        }

        return flags;
    }

    /// <summary>A thread's machine, the facts its guards read, and which states it has configured so far.</summary>
    private sealed record ThreadMachine(StateMachine<LifecycleState, LifecycleTrigger> Machine, GuardFacts Facts, bool[] Configured)
    {
        public ThreadMachine()
            : this(new GuardFacts(Unloaded, null, Unloaded))
        {
        }

        private ThreadMachine(GuardFacts facts)
            : this(NewMachine(facts), facts, new bool[StateCount])
        {
        }
    }
}
