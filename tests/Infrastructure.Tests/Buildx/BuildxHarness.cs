using System.Runtime.Versioning;
using System.Text.Json;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.Tests.Buildkit;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>
/// One test's docker world: its own DOCKER_CONFIG and BUILDX_CONFIG, the docker double first on PATH, a buildkitd
/// double on a free loopback port when asked for, and everything gone on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BuildxHarness : IAsyncDisposable
{
    public const string FaultVariable = "BLACKSMITH_DOCKER_DOUBLE_FAULT";

    /// <summary>The instant every test's builder names come from: <c>blacksmith-mefmw000</c>.</summary>
    public static readonly DateTimeOffset Now = new(2025, 8, 17, 12, 0, 0, TimeSpan.Zero);

    private readonly DaemonHarness _daemons = new();

    public BuildxHarness()
    {
        DockerConfig = Directory.CreateDirectory(Path.Combine(TempPath, "docker-config")).FullName;
        BuildxConfig = Path.Combine(TempPath, "buildx-config");
        Scratch = Directory.CreateDirectory(Path.Combine(TempPath, "scratch")).FullName;
        InvocationLog = Path.Combine(TempPath, "docker-invocations.jsonl");
    }

    public string TempPath => _daemons.TempPath;

    /// <summary>Where the buildkitd double listens, once <see cref="StartDaemonAsync"/> has run.</summary>
    public string Address => _daemons.Address;

    public string DockerConfig { get; }

    public string BuildxConfig { get; }

    public string Scratch { get; }

    public string InvocationLog { get; }

    public ListLogger<ProcessRunner> RunnerLog { get; } = new();

    public ListLogger<BuildxBuilderRegistry> Log { get; } = new();

    /// <summary>The variables every docker call gets: this test's store, the invocation log, and the fault, if any.</summary>
    public Dictionary<string, string> Environment(string? fault = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOCKER_CONFIG"] = DockerConfig,
            ["BUILDX_CONFIG"] = BuildxConfig,
            // Whatever the machine running the tests has set must not pick another builder.
            ["BUILDX_BUILDER"] = string.Empty,
            ["BLACKSMITH_DOCKER_DOUBLE_LOG"] = InvocationLog,
            [FaultVariable] = fault ?? string.Empty,
        };
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } dotnetRoot)
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        return environment;
    }

    public BuilderRegistryOptions Options(string? fault = null) => new()
    {
        SearchPath = _daemons.SearchPath,
        Environment = Environment(fault),
        ScratchDirectory = Scratch,
    };

    /// <summary>The adapter; <paramref name="time"/> drives the runner's timeouts (the system clock when null).</summary>
    public BuildxBuilderRegistry Registry(BuilderRegistryOptions? options = null, TimeProvider? time = null) =>
        new(options ?? Options(), new ProcessRunner(RunnerLog, time ?? TimeProvider.System), new BuilderNameSource(new VirtualTime(Now)), Log);

    /// <summary>A socket in this test's job directory, as a job outside Blacksmith's runners gets.</summary>
    public string UnixAddress => "unix://" + Path.Combine(_daemons.JobDirectory, "buildkitd.sock");

    /// <summary>Starts the buildkitd double at <paramref name="address"/> (<see cref="Address"/> when null) and waits until it lists a worker.</summary>
    public async Task<DaemonIdentity> StartDaemonAsync(string? address = null)
    {
        var daemon = _daemons.Daemon(_daemons.Options());
        var identity = await _daemons.SpawnAsync(daemon, _daemons.Launch with { Address = address ?? _daemons.Address });
        var probes = await DaemonHarness.ProbeUntilSettledAsync(daemon, identity);
        Assert.Equal(DaemonProbeStatus.Ready, probes[^1].Status);
        return identity;
    }

    /// <summary>Runs the docker double directly, as a user's step would, in this test's world.</summary>
    public Task<ProcessOutcome> DockerAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        new ProcessRunner(RunnerLog, TimeProvider.System).RunAsync(
            new ProcessCommand("docker", arguments) { SearchPath = _daemons.SearchPath, Environment = environment ?? Environment() },
            TestContext.Current.CancellationToken);

    /// <summary>Every docker command line the code under test ran, in order, without the leading <c>buildx</c>.</summary>
    public IReadOnlyList<string> Invocations() =>
        File.Exists(InvocationLog)
            ? [.. File.ReadAllLines(InvocationLog).Select(line => string.Join(' ', JsonDocument.Parse(line).RootElement.GetProperty("args").EnumerateArray().Skip(1).Select(a => a.GetString())))]
            : [];

    /// <summary>The builder instances buildx has stored.</summary>
    public IReadOnlyList<string> StoredBuilders()
    {
        var instances = Path.Combine(BuildxConfig, "instances");
        return Directory.Exists(instances) ? [.. Directory.GetFiles(instances).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];
    }

    public static async Task StopDaemonAsync(DaemonIdentity daemon) =>
        await OsProcesses.KillAsync(new SpawnedProcess(daemon.Pid, daemon.StartTimeTicks));

    public ValueTask DisposeAsync() => _daemons.DisposeAsync();
}
