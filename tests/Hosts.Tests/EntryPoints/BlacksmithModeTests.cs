using Blacksmith.Hosting.Composition;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.ControlPlane;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosts.Tests.EntryPoints;

/// <summary>
/// Blacksmith mode, decided once by <c>BLACKSMITH_VM_ID</c>: only there do Blacksmith's control plane, the registry
/// mirror on the agent's host and the fixed BuildKit root and address apply. A self-hosted agent is chosen by its
/// address and gets none of them, so its token goes nowhere but to it.
/// </summary>
public sealed class BlacksmithModeTests : IDisposable
{
    private const string Token = "agent-token-0123456789abcdef";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-mode-");

    [Fact]
    public void Only_the_vm_id_makes_a_Blacksmith_runner()
    {
        Assert.Equal("vm-7", BlacksmithRunner.Detect(Env(("BLACKSMITH_VM_ID", " vm-7 ")))?.VmId);
        Assert.Null(BlacksmithRunner.Detect(Env(("BLACKSMITH_VM_ID", " "))));
        Assert.Null(BlacksmithRunner.Detect(Env(("BLACKSMITH_STICKYDISK_TOKEN", Token), ("BLACKSMITH_AGENT_ADDRESS", "http://127.0.0.1:5557"))));
    }

    [Fact]
    public void A_Blacksmith_runner_reports_to_Blacksmiths_api_pulls_through_the_agents_mirror_and_keeps_the_fixed_root_and_address()
    {
        var environment = Reader(("BLACKSMITH_VM_ID", "vm-42"), ("BLACKSMITH_STICKYDISK_TOKEN", Token));

        var (mode, why) = StoreSelection.Choose(null, environment);
        using var adapters = Compose(mode, environment);

        Assert.Equal(StoreMode.Agent, mode);
        Assert.Contains("BLACKSMITH_VM_ID", why, StringComparison.Ordinal);
        Assert.IsType<BoundedControlPlane>(adapters.GetRequiredService<IControlPlane>());
        Assert.NotNull(adapters.GetService<HttpControlPlane>());
        Assert.True(adapters.GetRequiredService<FailureReporter>().Enabled);
        Assert.Equal(new Uri("http://192.168.127.1:5557"), Assert.IsType<AgentStickyDiskStore>(adapters.GetRequiredService<IStickyDiskStore>()).Address);
        Assert.Equal("http://192.168.127.1:5000", adapters.GetRequiredService<BuildkitOptions>().RegistryMirror);
        var settings = adapters.GetRequiredService<HostSettings>();
        Assert.Equal(("/var/lib/buildkit", "tcp://127.0.0.1:1234"), (settings.MountPoint, settings.DaemonAddress));
    }

    [Fact]
    public void A_self_hosted_agent_is_chosen_by_its_address_and_gets_no_control_plane_no_mirror_and_the_jobs_own_root()
    {
        var environment = Reader(("BLACKSMITH_AGENT_ADDRESS", "http://127.0.0.1:45557"), ("BLACKSMITH_STICKYDISK_TOKEN", Token));

        var (mode, why) = StoreSelection.Choose(null, environment);
        using var adapters = Compose(mode, environment);

        Assert.Equal(StoreMode.Agent, mode);
        Assert.Contains("BLACKSMITH_AGENT_ADDRESS", why, StringComparison.Ordinal);
        Assert.IsType<NoControlPlane>(adapters.GetRequiredService<IControlPlane>());
        Assert.Equal(new Uri("http://127.0.0.1:45557"), Assert.IsType<AgentStickyDiskStore>(adapters.GetRequiredService<IStickyDiskStore>()).Address);
        Assert.Null(adapters.GetRequiredService<BuildkitOptions>().RegistryMirror);
        var settings = adapters.GetRequiredService<HostSettings>();
        Assert.NotEqual("/var/lib/buildkit", settings.MountPoint);
        Assert.StartsWith("unix://", settings.DaemonAddress, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_flag_without_an_address_off_a_Blacksmith_runner_dials_the_agent_on_this_host_not_Blacksmiths_gateway()
    {
        var environment = Reader(("BLACKSMITH_STICKYDISK_TOKEN", Token));

        var (mode, _) = StoreSelection.Choose("agent", environment);
        using var adapters = Compose(mode, environment);

        Assert.Equal(new Uri("http://127.0.0.1:5557"), Assert.IsType<AgentStickyDiskStore>(adapters.GetRequiredService<IStickyDiskStore>()).Address);
        Assert.IsType<NoControlPlane>(adapters.GetRequiredService<IControlPlane>());
    }

    [Fact]
    public void A_token_with_no_runner_and_no_agent_address_is_bad_input_saying_what_to_set()
    {
        var error = Assert.Throws<CiInputException>(() => StoreSelection.Choose(null, Reader(("BLACKSMITH_STICKYDISK_TOKEN", Token))));

        Assert.Contains("BLACKSMITH_AGENT_ADDRESS", error.Message, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_VM_ID", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("local")]
    public void A_control_plane_and_a_mirror_the_user_names_are_used_in_every_mode(string store)
    {
        var environment = Reader(
            ("BLACKSMITH_AGENT_ADDRESS", "http://127.0.0.1:45557"),
            ("BLACKSMITH_BACKEND_URL", "http://127.0.0.1:45558"),
            ("BLACKSMITH_REGISTRY_MIRROR", "http://127.0.0.1:45559"));

        var (mode, _) = StoreSelection.Choose(store, environment);
        using var adapters = Compose(mode, environment);

        Assert.IsType<BoundedControlPlane>(adapters.GetRequiredService<IControlPlane>());
        Assert.NotNull(adapters.GetService<HttpControlPlane>());
        Assert.Equal("http://127.0.0.1:45559", adapters.GetRequiredService<BuildkitOptions>().RegistryMirror);
        // Builds are reported where the user says; platform failures only to the platform of a Blacksmith runner.
        Assert.False(adapters.GetRequiredService<FailureReporter>().Enabled);
    }

    [Fact]
    public void Local_mode_reports_nowhere_and_mirrors_nothing()
    {
        var environment = Reader();

        var (mode, _) = StoreSelection.Choose(null, environment);
        using var adapters = Compose(mode, environment);

        Assert.Equal(StoreMode.Local, mode);
        Assert.IsType<NoControlPlane>(adapters.GetRequiredService<IControlPlane>());
        Assert.Null(adapters.GetRequiredService<BuildkitOptions>().RegistryMirror);
    }

    [Fact]
    public void A_relative_data_directory_is_a_problem_setup_refuses_on_naming_both_ways_to_set_it()
    {
        var environment = Reader();

        using var adapters = Compose(StoreMode.Local, environment, dataDirectory: "cache");

        var problem = adapters.GetRequiredService<HostSettings>().Problem;
        Assert.Contains("'cache'", problem, StringComparison.Ordinal);
        Assert.Contains("--data-dir", problem, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_DATA_DIR", problem, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static MapEnvironment Reader(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value));

    private ServiceProvider Compose(StoreMode mode, IEnvironmentReader environment, string? dataDirectory = null)
    {
        var jobDirectory = Directory.CreateDirectory(Path.Combine(_dir.FullName, "job")).FullName;
        var ci = new GenericCiRuntime(
            new GenericCiOptions { StateDirectory = jobDirectory }, environment, TextWriter.Null, TextWriter.Null, new Random(3), TimeProvider.System, new SecretMasker());
        var job = new JobOptions
        {
            Settings = HostSettings.FromEnvironment(jobDirectory, environment.Read, isRoot: true),
            Store = mode,
            DataDirectory = dataDirectory ?? Path.Combine(_dir.FullName, "data"),
            Ci = ci,
            Environment = environment,
        };
        return new ServiceCollection().AddJobAdapters(job).AddLogging().BuildServiceProvider();
    }
}
