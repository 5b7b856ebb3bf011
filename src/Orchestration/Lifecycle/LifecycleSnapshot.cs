using System.Collections.Immutable;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// The facts the guards and the commit policy need, folded from the journal as seen by one session
/// (<see cref="Viewer"/>). Immutable: each event produces a new snapshot.
/// </summary>
public sealed record LifecycleSnapshot
{
    // A job runs a handful of builds, where looking through them is cheaper than keeping an index beside them (rebuilt
    // whenever the builds were replaced, it was about 5 % of a replay); a job with this many gets one, so that folding
    // its journal stays linear in its builds.
    private const int IndexedFrom = 8;

    private static readonly ImmutableDictionary<string, int> NoIndex = ImmutableDictionary.Create<string, int>(StringComparer.Ordinal);

    private ImmutableList<BuildRecord> _builds = [];

    // Null below IndexedFrom builds, so that snapshots with few builds compare equal (records compare fields by reference).
    private ImmutableDictionary<string, int>? _buildIndex;

    /// <summary>The session reading the journal; ownership is judged from its point of view.</summary>
    public required string Viewer { get; init; }

    public LifecycleState State { get; init; } = LifecycleState.Idle;

    /// <summary>Sequence number of the last journal record folded into this snapshot (0: none).</summary>
    public long Sequence { get; init; }

    /// <summary>The session whose setup started (or attached to a foreign) builder; only it drains and commits.</summary>
    public string? OwnerSession { get; init; }

    /// <summary>Later setups of the same job that attached to the owner's builder.</summary>
    public ImmutableList<string> AttachedSessions { get; init; } = [];

    public BuilderMode Mode { get; init; } = BuilderMode.None;

    public SetupFacts? Setup { get; init; }

    public StickyDiskFacts Disk { get; init; } = StickyDiskFacts.None;

    /// <summary>The buildkitd this job spawned, journaled right after spawn and before readiness.</summary>
    public DaemonIdentity? Daemon { get; init; }

    public bool DaemonReady { get; init; }

    /// <summary>How many times a daemon exited before it was ready and setup spawned another (the corrupt-cache heal).</summary>
    public int DaemonRestarts { get; init; }

    public string? BuilderName { get; init; }

    /// <summary>What setup's registration learned about <see cref="BuilderName"/>; null for a builder it did not register.</summary>
    public BuilderFacts? Builder { get; init; }

    public ImmutableList<BuildRecord> Builds
    {
        get => _builds;
        init
        {
            _builds = value;
            _buildIndex = value.Count < IndexedFrom ? null : Index(value);
        }
    }

    /// <summary>Set once any setup step failed; stays set after a fallback.</summary>
    public string? SetupFailure { get; init; }

    public bool PostStarted { get; init; }

    /// <summary>
    /// The owner's post began again while the drain it started had not decided: that post was killed (or failed) part
    /// way, and whatever it did between its last effect and that effect's record is lost with it.
    /// </summary>
    public bool DrainResumed { get; init; }

    public DaemonStopOutcome DaemonStop { get; init; } = DaemonStopOutcome.None;

    public EarlierStepsResult EarlierSteps { get; init; } = EarlierStepsResult.Unchecked;

    public string? EarlierStepsDetail { get; init; }

    /// <summary>The decision recorded when draining finished; null before.</summary>
    public CommitDecision? Decision { get; init; }

    /// <summary>Null until the commit request was sent; then whether the agent accepted it.</summary>
    public bool? CommitAccepted { get; init; }

    public string? CommitError { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public bool IsOwner => OwnerSession is not null && OwnerSession == Viewer;

    public bool IsAttachedSession => AttachedSessions.Contains(Viewer);

    public bool SetupFailed => SetupFailure is not null;

    /// <summary>
    /// Set while post owes a look for what an unfinished setup may have left (a look failed): until one succeeds the job
    /// may hold what the journal does not know, and nothing is released or committed.
    /// </summary>
    public string? Unreconciled { get; init; }

    /// <summary>
    /// A setup with the sticky disk began, recorded no failure, and never registered a builder: it was killed, hung or
    /// cancelled somewhere between exposing the disk and registering the builder, and may hold more than it journaled.
    /// </summary>
    public bool SetupNeverFinished => Mode == BuilderMode.StickyDisk && BuilderName is null && !SetupFailed;

    public int BuildsInFlight
    {
        get
        {
            var running = 0;
            foreach (var build in _builds)
            {
                running += build.IsRunning ? 1 : 0;
            }

            return running;
        }
    }

    public BuildRecord? FindBuild(string buildId) => IndexOf(buildId) is var index and >= 0 ? _builds[index] : null;

    public static LifecycleSnapshot Initial(string viewer) => new() { Viewer = viewer };

    internal LifecycleSnapshot WithBuild(BuildRecord build)
    {
        // Updates the list and its index together, so folding a journal stays linear in its builds.
        var next = this with { };
        var index = IndexOf(build.BuildId);
        if (index >= 0)
        {
            next._builds = _builds.SetItem(index, build);
        }
        else
        {
            next._builds = _builds.Add(build);
            next._buildIndex = _buildIndex is not null ? _buildIndex.Add(build.BuildId, _builds.Count)
                : next._builds.Count < IndexedFrom ? null
                : Index(next._builds);
        }

        return next;
    }

    private static ImmutableDictionary<string, int> Index(ImmutableList<BuildRecord> builds)
    {
        var index = NoIndex.ToBuilder();
        var i = 0;
        foreach (var build in builds)
        {
            index[build.BuildId] = i++;
        }

        return index.ToImmutable();
    }

    private int IndexOf(string buildId)
    {
        if (_buildIndex is not null)
        {
            return _buildIndex.TryGetValue(buildId, out var indexed) ? indexed : -1;
        }

        var i = 0;
        foreach (var build in _builds)
        {
            if (string.Equals(build.BuildId, buildId, StringComparison.Ordinal))
            {
                return i;
            }

            i++;
        }

        return -1;
    }
}
