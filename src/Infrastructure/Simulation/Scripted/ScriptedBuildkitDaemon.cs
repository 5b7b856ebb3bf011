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
        return world.AnswerAsync(ScriptedCalls.DaemonSpawn, Arguments(("address", launch.Address), ("root", launch.Root)), EffectJsonContext.Default.DaemonIdentity, cancellationToken);
    }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(ScriptedCalls.DaemonProbe, Arguments(("pid", daemon.Pid), ("startTimeTicks", daemon.StartTimeTicks), ("address", daemon.Address)), EffectJsonContext.Default.DaemonProbe, cancellationToken);
    }

    public Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(ScriptedCalls.DaemonSignal, Arguments(("pid", daemon.Pid), ("startTimeTicks", daemon.StartTimeTicks), ("signal", signal)), EffectJsonContext.Default.SignalDelivery, cancellationToken);
    }

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(ScriptedCalls.DaemonWaitForExit, Arguments(("pid", daemon.Pid), ("startTimeTicks", daemon.StartTimeTicks), ("timeoutMs", (long)timeout.TotalMilliseconds)), EffectJsonContext.Default.Boolean, cancellationToken);
    }

    public Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        return world.AnswerAsync(ScriptedCalls.DaemonPrune, Arguments(("address", daemon.Address), ("keepBytes", keepBytes)), EffectJsonContext.Default.Int64, cancellationToken);
    }

    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken) =>
        world.AnswerOrNothingAsync(ScriptedCalls.DaemonFindForeign, Arguments(("root", root), ("address", address)), EffectJsonContext.Default.ForeignDaemon, cancellationToken);

    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return world.AnswerOrNothingAsync(ScriptedCalls.DaemonFindLaunched, Arguments(("address", launch.Address), ("root", launch.Root), ("jobDirectory", launch.JobDirectory)), EffectJsonContext.Default.DaemonIdentity, cancellationToken);
    }

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.DaemonQuarantineDatabase, Arguments(("database", databasePath)), EffectJsonContext.Default.String, cancellationToken);
}
