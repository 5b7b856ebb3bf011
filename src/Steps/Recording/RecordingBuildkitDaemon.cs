using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every call to the job's buildkitd: spawn, each readiness probe, signals, waits, prune, the foreign-daemon check, the search for an unrecorded daemon, quarantine.</summary>
internal sealed class RecordingBuildkitDaemon(IBuildkitDaemon inner, EffectCalls calls) : IBuildkitDaemon
{
    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return calls.RunAsync(PortCalls.DaemonSpawn, Arguments(("address", launch.Address), ("root", launch.Root)),
            () => inner.SpawnAsync(launch, cancellationToken));
    }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.DaemonProbe, Target(daemon), () => inner.ProbeAsync(daemon, cancellationToken));

    public Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return calls.RunAsync(PortCalls.DaemonSignal, Arguments(("pid", daemon.Pid), ("signal", signal)),
            () => inner.SignalAsync(daemon, signal, cancellationToken));
    }

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return calls.RunAsync(PortCalls.DaemonWaitForExit, Arguments(("pid", daemon.Pid), ("timeoutMs", (long)timeout.TotalMilliseconds)),
            () => inner.WaitForExitAsync(daemon, timeout, cancellationToken));
    }

    public Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return calls.RunAsync(PortCalls.DaemonPrune, Arguments(("address", daemon.Address), ("keepBytes", keepBytes)),
            () => inner.PruneAsync(daemon, keepBytes, cancellationToken));
    }

    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.DaemonFindForeign, Arguments(("root", root), ("address", address)),
            () => inner.FindForeignAsync(root, address, cancellationToken));

    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return calls.RunAsync(PortCalls.DaemonFindLaunched, Arguments(("address", launch.Address), ("root", launch.Root)),
            () => inner.FindLaunchedAsync(launch, cancellationToken));
    }

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.DaemonQuarantineDatabase, Arguments(("database", databasePath)),
            () => inner.QuarantineDatabaseAsync(databasePath, cancellationToken));

    private static IReadOnlyDictionary<string, string> Target(DaemonIdentity daemon)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return Arguments(("pid", daemon.Pid), ("address", daemon.Address));
    }
}
