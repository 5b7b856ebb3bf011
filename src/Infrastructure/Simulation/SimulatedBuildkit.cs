using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation;

/// <summary>
/// A BuildKit stand-in living inside this process: a "daemon" that is ready at once and stops gracefully, a
/// builder registry, and builds that write layer files into the BuildKit root (so a second job finds them cached).
/// Used when the real buildkitd and docker buildx are absent; output says so.
/// </summary>
public sealed class SimulatedBuildkit : IBuildkitDaemon, IBuilderRegistry, IImageBuilder
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

    /// <summary>The simulated daemon lives and dies with this process: nothing outlives it to be found.</summary>
    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken) =>
        Task.FromResult<DaemonIdentity?>(null);

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) =>
        Task.FromResult(databasePath + ".corrupt");

    public Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken) => Task.FromResult(new RegisteredBuilder(BuilderName));

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

    /// <summary>Names (first tag) of builds that fail on purpose, to show a commit being skipped.</summary>
    public ISet<string> FailingBuilds { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How many steps each build had cached, by build id.</summary>
    public IReadOnlyDictionary<string, (int Cached, int Steps)> Results => _results;

    private readonly Dictionary<string, (int Cached, int Steps)> _results = [];

    public Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var name = request.Inputs.Tags.Count > 0 ? request.Inputs.Tags[0] : request.BuildId;
        if (_root is null)
        {
            // What buildx says with no builder to talk to: a failed build, not a crash.
            return Task.FromResult(new BuildReport(BuildResult.Failed, TimeSpan.Zero) { ExitCode = 1, ErrorDetail = "the simulated daemon is not running" });
        }

        var result = Build(name.Replace(':', '-').Replace('/', '-'), steps: 5);
        _results[request.BuildId] = result;
        var duration = TimeSpan.FromMilliseconds(100 * (result.Steps - result.Cached));
        return Task.FromResult(FailingBuilds.Contains(name)
            ? new BuildReport(BuildResult.Failed, duration) { ExitCode = 1, ErrorDetail = "simulated failure (asked for with --fail-build)" }
            : new BuildReport(BuildResult.Succeeded, duration) { ExitCode = 0, ImageId = $"sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))}" });
    }
}
