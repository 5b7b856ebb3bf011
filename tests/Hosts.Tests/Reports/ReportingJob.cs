using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Hosts.Tests.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.ControlPlane;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Resilience;
using Blacksmith.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.Reports;

/// <summary>
/// One job's setup and post hosts with fakes behind the lifecycle's ports and the real HTTP control plane, under a
/// step's report budget, talking to <see cref="FakeControlPlane"/> on loopback. The control plane and its budget run on
/// the clock given; everything else on the system clock.
/// </summary>
internal sealed class ReportingJob : IDisposable
{
    public const string VmId = "vm-7";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-reports-");
    private readonly HttpControlPlane _http;

    /// <param name="plane">Where reports go.</param>
    /// <param name="time">The clock of the control plane and of each step's report budget.</param>
    /// <param name="onBlacksmithRunner">Whether failures are reported at all (composition decides it from BLACKSMITH_VM_ID).</param>
    public ReportingJob(FakeControlPlane plane, TimeProvider time, bool onBlacksmithRunner = true)
    {
        Time = time;
        OnBlacksmithRunner = onBlacksmithRunner;
        _http = new HttpControlPlane(
            new ControlPlaneOptions(plane.Address, "token-0123456789", "shop", "eu-central", "amd64", VmId, "0123abc", "main", "quiet-otter"),
            time,
            NullLogger<HttpControlPlane>.Instance);
        Engine = new TestEngine(controlPlane: new BoundedControlPlane(_http, new ReportBudget(ReportBudget.PerStep, time)));
        Settings = new HostSettings { JobDirectory = Directory.CreateDirectory(Path.Combine(_dir.FullName, "job")).FullName };
    }

    public TestEngine Engine { get; }

    public HostSettings Settings { get; set; }

    public TimeProvider Time { get; }

    public bool OnBlacksmithRunner { get; }

    /// <summary>Runs setup-docker-builder's main step as <paramref name="session"/>; returns its exit code and log.</summary>
    public async Task<(int Exit, string Log)> SetupAsync(string session, string cacheKey = "shop-image", bool noFallback = false)
    {
        var environment = Environment(session, ("INPUT_CACHE-KEY", cacheKey), ("INPUT_NOFALLBACK", noFallback ? "true" : "false"));
        using var log = new StringWriter();
        var ci = new GitHubActionsRuntime(environment, log, new Random(7), new SecretMasker());
        var host = new SetupHost(ci, environment, Settings, Engine.Driver(Engine.Sweep(Claims()), Claims(), Reporter()), new FakeBuilderInspector());
        var exit = await host.RunAsync(SetupInputs.Read(ci), session, TestContext.Current.CancellationToken);
        return (exit, log.ToString());
    }

    /// <summary>Runs the post step of the setup that saved <paramref name="session"/>.</summary>
    public async Task<(int Exit, string Log)> PostAsync(string session)
    {
        var environment = Environment(session, ("STATE_session", session));
        using var log = new StringWriter();
        var ci = new GitHubActionsRuntime(environment, log, new Random(7), new SecretMasker());
        var host = new PostHost(ci, Settings, Engine.Driver(Engine.Sweep(Claims()), Claims(), Reporter(), secrets: new FakeBuildSecrets()));
        var exit = await host.RunAsync("post-fresh", TestContext.Current.CancellationToken);
        return (exit, log.ToString());
    }

    public void Dispose()
    {
        Engine.Dispose();
        _http.Dispose();
        _dir.Delete(recursive: true);
    }

    private FailureReporter Reporter() => new(Engine.ControlPlane, OnBlacksmithRunner);

    private JobClaims Claims() => new(Path.Combine(_dir.FullName, "claims"));

    private MapEnvironment Environment(string session, params (string Name, string Value)[] more)
    {
        var files = Path.Combine(_dir.FullName, session);
        Directory.CreateDirectory(files);
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = Path.Combine(files, "output"),
            ["GITHUB_STATE"] = Path.Combine(files, "state"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(files, "summary"),
        };
        foreach (var (name, value) in more)
        {
            variables[name] = value;
        }

        foreach (var file in (string[])[variables["GITHUB_OUTPUT"], variables["GITHUB_STATE"], variables["GITHUB_STEP_SUMMARY"]])
        {
            File.AppendAllText(file, string.Empty);
        }

        return new MapEnvironment(variables);
    }
}
