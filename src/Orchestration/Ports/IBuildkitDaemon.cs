using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Ports;

/// <summary>The buildkitd process of this job.</summary>
public interface IBuildkitDaemon
{
    /// <summary>Spawns the daemon detached, so it outlives the setup process, and returns its identity at once.</summary>
    Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken);

    /// <summary>One readiness probe.</summary>
    Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken);

    /// <summary>Stops the daemon (graceful first, forced after the grace period) and says how it went.</summary>
    Task<DaemonStopResult> StopAsync(DaemonIdentity daemon, CancellationToken cancellationToken);
}
