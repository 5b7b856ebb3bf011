using System.Text.Json;
using Blacksmith.Hosting;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.EntryPoints;


/// <summary>Setup's outputs are setup-buildx-action's (name, driver, platforms, nodes) plus job-dir and where its daemon is.</summary>
public sealed class SetupHostOutputTests : IDisposable
{
    // Real buildx inspect output of a docker-container builder (docker/actions-toolkit fixture inspect8.txt).
    private const string ContainerInspect = """
        Name:          builder-52aa0611
        Driver:        docker-container
        Last Activity: 2023-06-13 13:52:31 +0000 UTC

        Nodes:
        Name:           builder-52aa06110
        Endpoint:       unix:///var/run/docker.sock
        Driver Options: image="moby/buildkit:buildx-stable-1" network="host"
        Status:         running
        Flags:          --debug --allow-insecure-entitlement security.insecure
        Buildkit:       v0.11.6
        Platforms:      linux/amd64, linux/amd64/v2, linux/arm64
        Labels:
         org.mobyproject.buildkit.worker.executor:         oci
        GC Policy rule#0:
         All:           false
         Filters:       type==source.local,type==exec.cachemount
         Keep Duration: 48h0m0s
         Keep Bytes:    488.3MiB
        """;

    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-setup-host-");
    private readonly TestEngine _engine = new();
    private readonly FakeBuilderInspector _inspector = new() { Output = ContainerInspect };
    private readonly StringWriter _console = new();

    public SetupHostOutputTests()
    {
        Settings = new HostSettings { JobDirectory = Path.Combine(_dir.FullName, "job") };
    }

    private HostSettings Settings { get; set; }

    [Fact]
    public async Task Setup_outputs_the_builders_name_driver_platforms_nodes_and_the_job_directory()
    {
        var outputs = await RunSetupAsync();

        Assert.Equal("blacksmith-builder", outputs["name"]);
        Assert.Equal("docker-container", outputs["driver"]);
        Assert.Equal("linux/amd64,linux/amd64/v2,linux/arm64", outputs["platforms"]);
        Assert.Equal(Path.Combine(_dir.FullName, "job"), outputs["job-dir"]);
        Assert.Equal(Settings.MountPoint, outputs["buildkit-root"]);
        Assert.Equal(Settings.DaemonAddress, outputs["buildkit-address"]);
        Assert.Equal(["blacksmith-builder"], _inspector.Inspected);

        using var nodes = JsonDocument.Parse(outputs["nodes"]);
        var node = Assert.Single(nodes.RootElement.EnumerateArray());
        Assert.Equal("builder-52aa06110", node.GetProperty("name").GetString());
        Assert.Equal("unix:///var/run/docker.sock", node.GetProperty("endpoint").GetString());
        Assert.Equal(["image=moby/buildkit:buildx-stable-1", "network=host"], node.GetProperty("driver-opts").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("running", node.GetProperty("status").GetString());
        Assert.Equal("v0.11.6", node.GetProperty("buildkit").GetString());
        Assert.Equal("linux/amd64,linux/amd64/v2,linux/arm64", node.GetProperty("platforms").GetString());
        Assert.Equal("oci", node.GetProperty("labels").GetProperty("org.mobyproject.buildkit.worker.executor").GetString());
        var rule = Assert.Single(node.GetProperty("gcPolicy").EnumerateArray());
        Assert.Equal(["type==source.local", "type==exec.cachemount"], rule.GetProperty("filter").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("48h0m0s", rule.GetProperty("keepDuration").GetString());
    }

    [Fact]
    public async Task A_fallback_builder_is_described_by_its_own_inspect()
    {
        _engine.Device.MountFailure = new ExternalCallException("mount", ExternalErrorKind.Failed, "wrong fs type");

        var outputs = await RunSetupAsync();

        Assert.Equal("fallback-builder", outputs["name"]);
        Assert.Equal(["fallback-builder"], _inspector.Inspected);
        Assert.Equal("docker-container", outputs["driver"]);
        // The fallback builder is not this job's daemon: it has neither root nor address of ours.
        Assert.DoesNotContain("buildkit-root", outputs.Keys);
        Assert.DoesNotContain("buildkit-address", outputs.Keys);
    }

    [Fact]
    public async Task The_root_and_address_setup_was_given_are_in_the_journal()
    {
        _ = await RunSetupAsync();

        var snapshot = await new LifecycleJournal(_engine.Journal, TimeProvider.System, NullLogger<LifecycleJournal>.Instance).LoadAsync("setup-1", Ct);
        Assert.Equal((Settings.MountPoint, Settings.DaemonAddress), (snapshot.Setup?.Root, snapshot.Setup?.Address));
    }

    [Fact]
    public async Task Settings_with_a_problem_refuse_setup_as_bad_input_before_anything_is_done()
    {
        Settings = Settings with { Problem = "BLACKSMITH_BUILDKIT_ROOT must be an absolute path, but is 'buildkit'." };

        var outputs = await RunSetupAsync(expectedExit: ExitCodes.BadInput);

        Assert.Empty(outputs);
        Assert.Empty(_engine.Store.Metrics);
        Assert.Empty(_engine.Journal.Records);
        Assert.Contains("::error::setup-docker-builder: BLACKSMITH_BUILDKIT_ROOT must be an absolute path", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inspect_failure_leaves_the_description_out_and_setup_still_succeeds()
    {
        _inspector.Failure = new ExternalCallException("buildx.inspect", ExternalErrorKind.Timeout, "no answer within 30 s");

        var outputs = await RunSetupAsync(expectedExit: ExitCodes.Success);

        Assert.Equal("blacksmith-builder", outputs["name"]);
        Assert.Contains("job-dir", outputs.Keys);
        Assert.DoesNotContain("driver", outputs.Keys);
        Assert.DoesNotContain("nodes", outputs.Keys);
    }

    public void Dispose()
    {
        _console.Dispose();
        _engine.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Setup_waits_for_the_daemon_under_the_budget_replay_defaults_to()
    {
        await RunSetupAsync();
        var replayed = Blacksmith.Replay.ReplayRunner.Run(Blacksmith.Replay.ScenarioFile.Parse(
            """{ "base": "healthy", "job": [{ "host": "setup" }], "expect": {} }"""u8, "inline.json"));

        var hostBudget = ReadyBudget(_engine.Journal.Records);
        Assert.NotNull(hostBudget);
        Assert.Equal(hostBudget, ReadyBudget(replayed.Journal));
        Assert.Equal(new Blacksmith.Replay.SetupPlanInputs("acme/web").ToRequest("setup-1", "/tmp/job").ReadyBudget, Settings.Budgets.DaemonReady);
    }

    private static long? ReadyBudget(IReadOnlyList<JournalRecord> records) =>
        records.Where(r => r.Type == nameof(Orchestration.Lifecycle.LifecycleTrigger.DaemonReady))
            .Select(r => Assert.IsType<Orchestration.Lifecycle.Events.DaemonReady>(LifecycleEventCodec.Decode(r).Event).BudgetMilliseconds)
            .Single();

    private async Task<IReadOnlyDictionary<string, string>> RunSetupAsync(int expectedExit = 0)
    {
        var (output, environment) = await GitHubSetupStep.CreateAsync(_dir.FullName, string.Empty, "shop-image", Ct);
        var ci = new GitHubActionsRuntime(environment, _console, new Random(7), new SecretMasker());
        var claims = new JobClaims(Path.Combine(_dir.FullName, "claims"));
        var host = new SetupHost(ci, environment, Settings, _engine.Driver(_engine.Sweep(claims), claims), _inspector);

        var exit = await host.RunAsync(SetupInputs.Read(ci), "setup-1", Ct);

        Assert.Equal(expectedExit, exit);
        return EnvFile.Read(output, StringComparer.Ordinal);
    }
}
