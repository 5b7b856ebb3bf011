using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A daemon that becomes ready after a number of probes and stops as told.</summary>
public sealed class FakeBuildkitDaemon : IBuildkitDaemon
{
    public int ProbesUntilReady { get; set; }

    public int Probes { get; private set; }

    public DaemonProbeStatus? ProbeOverride { get; set; }

    /// <summary>When set, the first spawned daemon dies on this corrupt database; later ones are healthy.</summary>
    public string? CorruptDatabase { get; set; }

    public Exception? SpawnFailure { get; set; }

    /// <summary>When set, a probe of a daemon that is not running answers Exited with this as its log tail.</summary>
    public string? LogOfTheDead { get; set; }

    public bool IgnoresTerminate { get; set; }

    public bool IgnoresKill { get; set; }

    public List<DaemonIdentity> Running { get; } = [];

    public List<DaemonSignal> Signals { get; } = [];

    public List<string> Quarantined { get; } = [];

    /// <summary>The keep-bytes of every prune asked for.</summary>
    public List<long> Prunes { get; } = [];

    /// <summary>Prunes and signals in the order they came (<c>prune</c>, <c>Terminate</c>, <c>Kill</c>).</summary>
    public List<string> Effects { get; } = [];

    public Exception? PruneFailure { get; set; }

    /// <summary>What the check for a foreign daemon finds, for every root and address.</summary>
    public ForeignDaemon? Foreign { get; set; }

    /// <summary>Thrown by the foreign-daemon check, when set.</summary>
    public Exception? ForeignFailure { get; set; }

    /// <summary>The root and address of every check for a foreign daemon.</summary>
    public List<(string Root, string? Address)> ForeignChecks { get; } = [];

    /// <summary>When set, a prune runs until it is cancelled; this completes when it has begun.</summary>
    public TaskCompletionSource? PruneHangs { get; set; }

    public int Spawns { get; private set; }

    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        cancellationToken.ThrowIfCancellationRequested();
        if (SpawnFailure is not null)
        {
            throw SpawnFailure;
        }

        Spawns++;
        var identity = new DaemonIdentity(4242 + Spawns, 1000, launch.Address, $"{launch.JobDirectory}/buildkitd.log", launch.Root);
        Running.Add(identity);
        return Task.FromResult(identity);
    }

    /// <summary>When set, every probe fails with it (the probe's tool could not ask the daemon).</summary>
    public Exception? ProbeFailure { get; set; }

    /// <summary>Runs inside each probe: a test advances its clock here for a probe that itself waits, as the real one does.</summary>
    public Action? DuringProbe { get; set; }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Probes++;
        DuringProbe?.Invoke();
        if (ProbeFailure is not null)
        {
            return Task.FromException<DaemonProbe>(ProbeFailure);
        }

        if (LogOfTheDead is not null && !Running.Contains(daemon))
        {
            return Task.FromResult(new DaemonProbe(DaemonProbeStatus.Exited, LogOfTheDead));
        }

        if (CorruptDatabase is not null && Spawns == 1)
        {
            Running.Remove(daemon);
            return Task.FromResult(new DaemonProbe(DaemonProbeStatus.Exited, $"panic: freepages: failed to get all reachable pages ({CorruptDatabase})", CorruptDatabase));
        }

        var status = ProbeOverride ?? (Probes > ProbesUntilReady ? DaemonProbeStatus.Ready : DaemonProbeStatus.NotReady);
        return Task.FromResult(new DaemonProbe(status, status == DaemonProbeStatus.Exited ? "panic: invalid freelist page" : null));
    }

    /// <summary>When set, a signal never returns (it completes this source, then waits for cancellation): an adapter that ignores its own timeout.</summary>
    public TaskCompletionSource? SignalHangs { get; set; }

    public async Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Signals.Add(signal);
        Effects.Add(signal.ToString());
        if (SignalHangs is { } begun)
        {
            begun.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (!Running.Contains(daemon))
        {
            return SignalDelivery.AlreadyGone;
        }

        if ((signal == DaemonSignal.Terminate && !IgnoresTerminate) || (signal == DaemonSignal.Kill && !IgnoresKill))
        {
            Running.Remove(daemon);
        }

        return SignalDelivery.Delivered;
    }

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(!Running.Contains(daemon));

    public async Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken)
    {
        Prunes.Add(keepBytes);
        Effects.Add("prune");
        if (PruneFailure is not null)
        {
            throw PruneFailure;
        }

        if (PruneHangs is { } begun)
        {
            begun.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return 1_000_000;
    }

    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken)
    {
        ForeignChecks.Add((root, address));
        return ForeignFailure is { } failure ? Task.FromException<ForeignDaemon?>(failure) : Task.FromResult(Foreign);
    }

    /// <summary>A running daemon <see cref="FindLaunchedAsync"/> finds for a launch in its job directory (its spawn was never journaled).</summary>
    public DaemonIdentity? Unrecorded { get; set; }

    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        Effects.Add("findLaunched");
        return Task.FromResult(Unrecorded is { } daemon && Running.Contains(daemon) ? daemon : null);
    }

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken)
    {
        Quarantined.Add(databasePath);
        return Task.FromResult(databasePath + ".corrupt");
    }
}
