using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A daemon that becomes ready after a number of probes and stops as told.</summary>
public sealed class FakeBuildkitDaemon : IBuildkitDaemon
{
    public int ProbesUntilReady { get; set; }

    public int Probes { get; private set; }

    public DaemonProbeStatus? ProbeOverride { get; set; }

    public Exception? SpawnFailure { get; set; }

    public DaemonStopResult Stop { get; set; } = new(DaemonStopOutcome.Graceful);

    public List<DaemonIdentity> Running { get; } = [];

    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        cancellationToken.ThrowIfCancellationRequested();
        if (SpawnFailure is not null)
        {
            throw SpawnFailure;
        }

        var identity = new DaemonIdentity(4242 + Running.Count, 1000, launch.Address);
        Running.Add(identity);
        return Task.FromResult(identity);
    }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Probes++;
        var status = ProbeOverride ?? (Probes > ProbesUntilReady ? DaemonProbeStatus.Ready : DaemonProbeStatus.NotReady);
        return Task.FromResult(new DaemonProbe(status, status == DaemonProbeStatus.Exited ? "panic: invalid freelist page" : null));
    }

    public Task<DaemonStopResult> StopAsync(DaemonIdentity daemon, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Running.Remove(daemon);
        return Task.FromResult(Stop);
    }
}
