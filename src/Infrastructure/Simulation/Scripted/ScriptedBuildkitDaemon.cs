using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The buildkitd of a scripted world. Once the world's daemon died, it answers its own probes, signals and waits. Besides
/// what the recording decorator journals, a daemon's start time and a launch's job directory go to the world: the sweep's
/// calls are answered from the machine's processes, which tell a reused pid and another job's daemon apart by them.
/// </summary>
public sealed class ScriptedBuildkitDaemon(ScriptedWorld world) : IBuildkitDaemon
{
    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return world.AnswerAsync(PortCalls.DaemonSpawn, Arguments(("address", launch.Address), ("root", launch.Root)), cancellationToken);
    }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(PortCalls.DaemonProbe, Arguments(("pid", daemon.Pid), ("startTimeTicks", daemon.StartTimeTicks), ("address", daemon.Address)), cancellationToken);
    }

    public Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(PortCalls.DaemonSignal, Arguments(("pid", daemon.Pid), ("startTimeTicks", daemon.StartTimeTicks), ("signal", signal)), cancellationToken);
    }

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(PortCalls.DaemonWaitForExit, Arguments(("pid", daemon.Pid), ("startTimeTicks", daemon.StartTimeTicks), ("timeoutMs", (long)timeout.TotalMilliseconds)), cancellationToken);
    }

    public Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(PortCalls.DaemonPrune, Arguments(("address", daemon.Address), ("keepBytes", keepBytes)), cancellationToken);
    }

    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken) =>
        world.AnswerOrNothingAsync(PortCalls.DaemonFindForeign, Arguments(("root", root), ("address", address)), cancellationToken);

    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return world.AnswerOrNothingAsync(PortCalls.DaemonFindLaunched, Arguments(("address", launch.Address), ("root", launch.Root), ("jobDirectory", launch.JobDirectory)), cancellationToken);
    }

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.DaemonQuarantineDatabase, Arguments(("database", databasePath)), cancellationToken);
}
