using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The buildkitd process of this job. Each call is one attempt; readiness backoff, SIGTERM-then-SIGKILL and the
/// corrupt-database heal are step logic.
/// </summary>
public interface IBuildkitDaemon
{
    /// <summary>Writes the daemon's config and spawns it detached (its own session, output to a log in the job directory).</summary>
    Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken);

    /// <summary>One readiness probe (<c>buildctl debug workers</c>).</summary>
    Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="signal"/> to the daemon, if it is still the process this job started.</summary>
    Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for the daemon to exit; true when it did.</summary>
    Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Prunes the cache down to <paramref name="keepBytes"/>; returns the bytes freed.</summary>
    Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Looks, without touching anything, for a daemon this job did not start that holds <paramref name="root"/>'s lock
    /// or listens on <paramref name="address"/> (not checked when null). Null when neither is held, or when the host
    /// cannot tell.
    /// </summary>
    Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken);

    /// <summary>
    /// The buildkitd started for <paramref name="launch"/> (its command line names the launch's config file in the job
    /// directory) that still runs, or null: a setup killed between spawning it and journaling it never recorded it.
    /// </summary>
    Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken);

    /// <summary>Moves a corrupt cache database aside (kept for diagnosis) and returns where it went.</summary>
    Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken);
}
