using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>
/// One test's buildkitd world: its own job directory, BuildKit root and free loopback port, the doubles first on
/// PATH, and every daemon it started killed on dispose (no process outlives a test).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DaemonHarness : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<DaemonIdentity> _daemons = [];

    public DaemonHarness()
    {
        JobDirectory = _temp.Sub("job");
        Root = _temp.Sub("root");
        Address = $"tcp://127.0.0.1:{FreePort()}";
        // The doubles' apphosts (buildkitd, buildctl) sit next to the tests.
        SearchPath = $"{AppContext.BaseDirectory.TrimEnd('/')}:{ExecutableResolver.CurrentSearchPath}";
    }

    public string JobDirectory { get; }

    public string Root { get; }

    public string Address { get; }

    public string SearchPath { get; }

    public string TempPath => _temp.Path;

    public DaemonLaunch Launch => new(Address, Root, JobDirectory);

    public string ConfigFile => Path.Combine(JobDirectory, BuildkitDaemon.ConfigFileName);

    public string LogFile => Path.Combine(JobDirectory, BuildkitDaemon.LogFileName);

    public ListLogger<ProcessRunner> RunnerLog { get; } = new();

    /// <summary>Options for the doubles, with <paramref name="fault"/> in the daemon's environment.</summary>
    public BuildkitOptions Options(string? fault = null, string? searchPath = null)
    {
        var environment = new Dictionary<string, string>();
        if (fault is not null)
        {
            environment["BLACKSMITH_DOUBLE_FAULT"] = fault;
        }

        // The doubles are .NET apps; where the runtime is not in its default place they need to be told.
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } dotnetRoot)
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        return new BuildkitOptions
        {
            SearchPath = searchPath ?? SearchPath,
            Environment = environment,
            MaxParallelism = 3,
            // A cold start of the buildctl double includes the JIT; the real probe is much quicker.
            ProbeTimeout = TimeSpan.FromSeconds(20),
        };
    }

    public BuildkitDaemon Daemon(BuildkitOptions options, Privilege? privilege = null, TimeProvider? time = null) =>
        new(options, new ProcessRunner(RunnerLog, TimeProvider.System), privilege ?? new Privilege(isRoot: true), new ListLogger<BuildkitDaemon>(), time ?? TimeProvider.System);

    /// <summary>Spawns and remembers the daemon for cleanup.</summary>
    public async Task<DaemonIdentity> SpawnAsync(BuildkitDaemon daemon, DaemonLaunch? launch = null)
    {
        var identity = await daemon.SpawnAsync(launch ?? Launch, TestContext.Current.CancellationToken);
        _daemons.Add(identity);
        return identity;
    }

    /// <summary>Probes until the answer is not NotReady (bounded, short backoff), returning every answer seen.</summary>
    public static async Task<IReadOnlyList<DaemonProbe>> ProbeUntilSettledAsync(BuildkitDaemon daemon, DaemonIdentity identity)
    {
        var token = TestContext.Current.CancellationToken;
        var probes = new List<DaemonProbe>();
        var deadline = DateTime.UtcNow + OsProcesses.Patience;
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var probe = await daemon.ProbeAsync(identity, token);
            probes.Add(probe);
            if (probe.Status != DaemonProbeStatus.NotReady)
            {
                return probes;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not ready after {OsProcesses.Patience.TotalSeconds} s: {probe.Detail}");
            await Task.Delay(delay, token);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            await OsProcesses.KillAsync(new SpawnedProcess(daemon.Pid, daemon.StartTimeTicks));
        }

        _temp.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
