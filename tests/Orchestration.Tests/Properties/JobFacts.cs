using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Properties;

/// <summary>
/// What the journal says happened in the job, read by the test itself, and the commit conditions written out
/// from the rules rather than asked of CommitPolicy: this is the oracle the machine's behaviour is checked against.
/// </summary>
internal sealed class JobFacts
{
    public string? Owner { get; private set; }

    public bool StickyDiskSetup { get; private set; }

    public bool ForeignBuilder { get; private set; }

    public bool Fallback { get; private set; }

    public bool SetupFailure { get; private set; }

    public bool Exposed { get; private set; }

    public bool Mounted { get; private set; }

    public bool SpawnedDaemon { get; private set; }

    /// <summary>Setup got as far as a registered builder (it finished).</summary>
    public bool Registered { get; private set; }

    public DaemonStopOutcome? DaemonStop { get; private set; }

    public bool? UnmountedCleanly { get; private set; }

    /// <summary>The disk is mounted as the journal last said.</summary>
    public bool MountedNow { get; private set; }

    /// <summary>A spawned daemon may still run as the journal last said (not exited, not stopped).</summary>
    public bool DaemonLive { get; private set; }

    /// <summary>Something is still held: the drain cannot finish, nothing is released or committed.</summary>
    public bool HeldAtEnd => DaemonLive || MountedNow;

    public EarlierStepsResult? EarlierSteps { get; private set; }

    public SetupFacts? Setup { get; private set; }

    public Dictionary<string, BuildOutcome> Builds { get; } = [];

    public int Releases { get; private set; }

    public int DrainedRecords { get; private set; }

    public bool ReachedCommitting { get; private set; }

    /// <summary>The owner's post began once already.</summary>
    public bool PostBegun { get; private set; }

    /// <summary>The owner's post began again before any decision: a post was killed part way and another resumed its drain.</summary>
    public bool DrainResumed { get; private set; }

    /// <summary>Whether each decision record the journal holds is a commit.</summary>
    public List<bool> Decisions { get; } = [];

    /// <summary>Every commit condition, for the owner's post.</summary>
    public bool CommitAllowed =>
        Owner == TestSessions.Owner
        && StickyDiskSetup && !ForeignBuilder && !Fallback && !SetupFailure
        && Exposed && Mounted && Registered
        && Builds.Values.All(outcome => outcome == BuildOutcome.Succeeded)
        && EarlierSteps == EarlierStepsResult.Succeeded
        && (!SpawnedDaemon || DaemonStop is DaemonStopOutcome.Graceful or DaemonStopOutcome.AlreadyGone)
        && UnmountedCleanly == true
        && !DrainResumed
        && Setup is { CommitMode: CommitMode.AlwaysOnSuccess } or { CommitMode: CommitMode.Auto, ForkPullRequest: false };

    /// <summary>A skipped commit owes the store one explicit release of the owner's expose id, unless turned off.</summary>
    public bool ReleaseOwed => Owner == TestSessions.Owner && Exposed && !CommitAllowed && Setup?.ReleaseOnSkip == true && !HeldAtEnd;

    public static JobFacts Read(IEnumerable<JournalRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var facts = new JobFacts();
        foreach (var record in records)
        {
            switch (record.Kind)
            {
                case JournalRecordKind.Decision:
                    facts.Decisions.Add(record.Type == "commit");
                    break;
                case JournalRecordKind.Transition:
                    var (_, to, @event) = LifecycleEventCodec.Decode(record);
                    facts.ReachedCommitting |= to == LifecycleState.Committing;
                    facts.Apply(record.Session, @event);
                    break;
            }
        }

        return facts;
    }

    public override string ToString() =>
        $"owner={Owner ?? "none"} sticky={StickyDiskSetup} foreign={ForeignBuilder} fallback={Fallback} setupFailed={SetupFailure} "
        + $"exposed={Exposed} mounted={Mounted}/{MountedNow} daemon={SpawnedDaemon}/{DaemonStop}/{DaemonLive} registered={Registered} unmountClean={UnmountedCleanly} resumed={DrainResumed} earlier={EarlierSteps} "
        + $"mode={Setup?.CommitMode} fork={Setup?.ForkPullRequest} releaseOnSkip={Setup?.ReleaseOnSkip} "
        + $"builds=[{string.Join(", ", Builds.Select(b => $"{b.Key}:{b.Value}"))}] releases={Releases} committing={ReachedCommitting} "
        + $"decisions=[{string.Join(", ", Decisions)}]";

    private void Apply(string session, LifecycleEvent @event)
    {
        switch (@event)
        {
            case SetupStarted started:
                (Owner, StickyDiskSetup, Setup) = (session, true, started.Setup);
                break;
            case BuilderAttached attached:
                (Owner, ForeignBuilder, Setup) = (session, true, attached.Setup);
                break;
            case FallbackActivated:
                Fallback = true;
                break;
            case SetupFailed:
                SetupFailure = true;
                break;
            case DiskExposed:
                Exposed = true;
                break;
            case DiskMounted:
                Mounted = MountedNow = true;
                break;
            case DaemonSpawned:
                SpawnedDaemon = DaemonLive = true;
                break;
            case DaemonExited:
                DaemonLive = false;
                break;
            case BuilderRegistered:
                Registered = true;
                break;
            case BuildStarted started:
                Builds[started.BuildId] = BuildOutcome.Running;
                break;
            case BuildFinished finished when Builds.GetValueOrDefault(finished.BuildId) != BuildOutcome.Abandoned:
                Builds[finished.BuildId] = finished.Outcome;
                break;
            case PostRequested when session == Owner:
                DrainResumed |= PostBegun && Decisions.Count == 0;
                PostBegun = true;
                foreach (var id in Builds.Where(b => b.Value == BuildOutcome.Running).Select(b => b.Key).ToList())
                {
                    Builds[id] = BuildOutcome.Abandoned;
                }

                break;
            case DaemonStopped stopped:
                DaemonStop = stopped.Outcome;
                DaemonLive = stopped.Outcome == DaemonStopOutcome.Failed;
                break;
            case DiskUnmounted unmounted:
                UnmountedCleanly = unmounted.Clean;
                MountedNow = unmounted.StillMounted ?? !unmounted.Clean;
                break;
            case EarlierStepsChecked checkedSteps:
                EarlierSteps = checkedSteps.Result;
                break;
            case DiskReleased:
                Releases++;
                break;
            case Drained:
                DrainedRecords++;
                break;
        }
    }
}
