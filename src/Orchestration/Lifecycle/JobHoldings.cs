namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// What a job holds on its machine, projected from its lifecycle: the daemon it started and has not stopped, the disk it
/// mounted and has not unmounted, the exposure it has not settled. This is what the machine-level claim records after
/// every acquisition and release, so that whatever outlives a killed job is named somewhere; and it carries the one
/// rule both post and the cleanup of earlier jobs follow: an exposure is released only once nothing runs on the disk
/// and it is no longer mounted.
/// </summary>
/// <param name="Root">The job's BuildKit root: where its disk is, or would have been, mounted.</param>
/// <param name="Address">The job's daemon address.</param>
/// <param name="Store">The kind of store the disk comes from (<c>local</c>, <c>agent</c> …).</param>
/// <param name="CacheKey">The cache key of the exposure.</param>
public sealed record JobHoldings(string? Root, string? Address, string? Store, string? CacheKey)
{
    /// <summary>The buildkitd the job spawned and has not stopped.</summary>
    public DaemonIdentity? Daemon { get; init; }

    /// <summary>The exposure the job has not settled (neither committed nor released).</summary>
    public string? ExposeId { get; init; }

    /// <summary>The device of that exposure (or the clone directory, for the local store's directory mode).</summary>
    public string? Device { get; init; }

    /// <summary>Where the disk is mounted, while it is.</summary>
    public string? MountPoint { get; init; }

    /// <summary>What post could not look for after an unfinished setup, and why: the job may hold more than this says.</summary>
    public string? Unsearched { get; init; }

    /// <summary>Nothing is held (as far as anyone could look).</summary>
    public bool IsEmpty => Daemon is null && MountPoint is null && ExposeId is null && Unsearched is null;

    /// <summary>No daemon runs and nothing is mounted: the disk may be released (never committed, unless the lifecycle says so).</summary>
    public bool MayRelease => Daemon is null && MountPoint is null;

    /// <summary>
    /// What <paramref name="snapshot"/>'s job holds, or null when it needs no claim: it holds nothing and is not in the
    /// middle of acquiring (a setup that is exposing, mounting or starting may hold something any moment). A builder the
    /// job did not start holds nothing of its own.
    /// </summary>
    public static JobHoldings? Project(LifecycleSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.OwnerSession is null || snapshot.Mode == BuilderMode.Attached)
        {
            return null;
        }

        var disk = snapshot.Disk;
        var exposureHeld = disk.HoldsExposeId && disk.Released != true && snapshot.CommitAccepted != true;
        var holdings = new JobHoldings(snapshot.Setup?.Root ?? disk.MountPoint, snapshot.Setup?.Address ?? snapshot.Daemon?.Address, snapshot.Setup?.Store, snapshot.Setup?.CacheKey)
        {
            Daemon = IsRunning(snapshot) ? snapshot.Daemon : null,
            ExposeId = exposureHeld ? disk.ExposeId : null,
            Device = exposureHeld || disk.Mounted ? NonEmpty(disk.Device) : null,
            MountPoint = disk.Mounted ? disk.MountPoint : null,
            Unsearched = snapshot.Unreconciled,
        };
        return holdings.IsEmpty && snapshot.State is not (LifecycleState.Mounting or LifecycleState.Starting) ? null : holdings;
    }

    /// <summary>Whether the daemon <paramref name="snapshot"/> recorded may still run: spawned, and not known to be stopped.</summary>
    public static bool IsRunning(LifecycleSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Daemon is not null && snapshot.DaemonStop is DaemonStopOutcome.None or DaemonStopOutcome.Failed;
    }

    /// <summary>What is held, in words, for the user ("buildkitd pid 42", "the disk mounted at /var/lib/…").</summary>
    public IReadOnlyList<string> Describe()
    {
        var held = new List<string>(3);
        if (Daemon is { } daemon)
        {
            held.Add($"buildkitd pid {daemon.Pid} ({daemon.Address})");
        }

        if (MountPoint is { } mountPoint)
        {
            held.Add(Device is { } device ? $"the sticky disk {device} mounted at {mountPoint}" : $"the sticky disk mounted at {mountPoint}");
        }

        if (ExposeId is { } exposeId)
        {
            held.Add($"the {Store ?? "store's"} exposure {exposeId}{(CacheKey is null ? "" : $" of {CacheKey}")}");
        }

        if (Unsearched is { } unsearched)
        {
            held.Add($"whatever the unfinished setup left unrecorded ({unsearched})");
        }

        return held;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
