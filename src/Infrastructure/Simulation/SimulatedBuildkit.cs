using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation;

/// <summary>
/// A BuildKit stand-in living inside this process: a "daemon" that is ready at once and stops gracefully, a
/// builder registry, and builds that write layer files into the BuildKit root (so a second job finds them cached).
/// Used when the real buildkitd and docker buildx are absent; output says so.
/// </summary>
public sealed class SimulatedBuildkit : IBuildkitDaemon, IBuilderRegistry
{
    public const string BuilderName = "blacksmith-simulated";

    private string? _root;

    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        cancellationToken.ThrowIfCancellationRequested();
        _root = launch.Root;
        return Task.FromResult(new DaemonIdentity(0, 0, launch.Address, Root: launch.Root));
    }

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken) =>
        Task.FromResult(new DaemonProbe(_root is null ? DaemonProbeStatus.Exited : DaemonProbeStatus.Ready));

    public Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        var wasRunning = _root is not null;
        _root = null;
        return Task.FromResult(wasRunning ? SignalDelivery.Delivered : SignalDelivery.AlreadyGone);
    }

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(_root is null);

    public Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken) => Task.FromResult(0L);

    /// <summary>The simulated world has no other daemons.</summary>
    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken) =>
        Task.FromResult<ForeignDaemon?>(null);

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) =>
        Task.FromResult(databasePath + ".corrupt");

    public Task<string> RegisterAsync(string address, CancellationToken cancellationToken) => Task.FromResult(BuilderName);

    public Task<string> ActivateFallbackAsync(CancellationToken cancellationToken) => Task.FromResult(BuilderName + "-fallback");

    /// <summary>
    /// Runs one simulated build: each of its steps is cached when a layer file for it already exists in the root.
    /// Returns how many steps were cached and how many there were.
    /// </summary>
    public (int Cached, int Steps) Build(string name, int steps)
    {
        var root = _root ?? throw new InvalidOperationException("The simulated daemon is not running.");
        var layers = Path.Combine(root, "layers");
        Directory.CreateDirectory(layers);
        var cached = 0;
        for (var step = 1; step <= steps; step++)
        {
            var layer = Path.Combine(layers, $"{name}-{step}.layer");
            if (File.Exists(layer))
            {
                cached++;
                continue;
            }

            File.WriteAllText(layer, $"{name} step {step}\n");
        }

        return (cached, steps);
    }
}
