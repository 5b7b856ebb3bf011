using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every call to the job's buildkitd: spawn, each readiness probe, signals, waits, prune, the foreign-daemon check, the search for an unrecorded daemon, quarantine.</summary>
public sealed class RecordingBuildkitDaemon(IBuildkitDaemon inner, EffectCalls calls) : IBuildkitDaemon
{
    public const string Port = "buildkitd";

    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return calls.RunAsync(Port, "spawn", Arguments(("address", launch.Address), ("root", launch.Root)),
            () => inner.SpawnAsync(launch, cancellationToken), EffectJsonContext.Default.DaemonIdentity);
    }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "probe", Target(daemon), () => inner.ProbeAsync(daemon, cancellationToken), EffectJsonContext.Default.DaemonProbe);

    public Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return calls.RunAsync(Port, "signal", Arguments(("pid", daemon.Pid), ("signal", signal)),
            () => inner.SignalAsync(daemon, signal, cancellationToken), EffectJsonContext.Default.SignalDelivery);
    }

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return calls.RunAsync(Port, "waitForExit", Arguments(("pid", daemon.Pid), ("timeoutMs", (long)timeout.TotalMilliseconds)),
            () => inner.WaitForExitAsync(daemon, timeout, cancellationToken), EffectJsonContext.Default.Boolean);
    }

    public Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return calls.RunAsync(Port, "prune", Arguments(("address", daemon.Address), ("keepBytes", keepBytes)),
            () => inner.PruneAsync(daemon, keepBytes, cancellationToken), EffectJsonContext.Default.Int64);
    }

    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "findForeign", Arguments(("root", root), ("address", address)),
            () => inner.FindForeignAsync(root, address, cancellationToken), EffectJsonContext.Default.ForeignDaemon);

    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return calls.RunAsync(Port, "findLaunched", Arguments(("address", launch.Address), ("root", launch.Root)),
            () => inner.FindLaunchedAsync(launch, cancellationToken), EffectJsonContext.Default.DaemonIdentity);
    }

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "quarantineDatabase", Arguments(("database", databasePath)),
            () => inner.QuarantineDatabaseAsync(databasePath, cancellationToken), EffectJsonContext.Default.String);

    private static IReadOnlyDictionary<string, string> Target(DaemonIdentity daemon)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return Arguments(("pid", daemon.Pid), ("address", daemon.Address));
    }
}
