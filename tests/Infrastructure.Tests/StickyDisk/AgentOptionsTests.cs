using Blacksmith.Infrastructure.StickyDisk;

namespace Blacksmith.Infrastructure.Tests.StickyDisk;

public sealed class AgentOptionsTests
{
    [Fact]
    public void On_a_bare_environment_the_agent_is_the_vm_gateway_on_port_5557_in_eu_central()
    {
        var options = AgentOptions.FromEnvironment(_ => null);

        Assert.Equal(new Uri("http://192.168.127.1:5557"), options.Address);
        Assert.Equal("eu-central", options.Region);
        Assert.Equal(string.Empty, options.Token);
        Assert.Equal(string.Empty, options.VmId);
        Assert.Equal(string.Empty, options.InstallationModelId);
        Assert.Equal(string.Empty, options.RepoName);
    }

    [Fact]
    public void The_runner_variables_fill_the_job_identity()
    {
        var job = AgentJob.Generate(40);
        var env = new Dictionary<string, string?>
        {
            ["BLACKSMITH_STICKYDISK_TOKEN"] = job.Token,
            ["BLACKSMITH_REGION"] = job.Region,
            ["BLACKSMITH_VM_ID"] = job.VmId,
            ["BLACKSMITH_INSTALLATION_MODEL_ID"] = job.InstallationModelId,
            ["GITHUB_REPO_NAME"] = job.RepoName,
            ["BLACKSMITH_STICKY_DISK_GRPC_PORT"] = "6001",
        };

        var options = AgentOptions.FromEnvironment(env.GetValueOrDefault);

        Assert.Equal(job.Options(new Uri("http://192.168.127.1:6001")), options);
    }

    [Fact]
    public void The_address_override_wins_over_the_port()
    {
        var env = new Dictionary<string, string?>
        {
            ["BLACKSMITH_AGENT_ADDRESS"] = "http://127.0.0.1:40123",
            ["BLACKSMITH_STICKY_DISK_GRPC_PORT"] = "6001",
        };

        Assert.Equal(new Uri("http://127.0.0.1:40123"), AgentOptions.FromEnvironment(env.GetValueOrDefault).Address);
    }

    [Fact]
    public void Empty_variables_count_as_unset()
    {
        var options = AgentOptions.FromEnvironment(_ => string.Empty);

        Assert.Equal(AgentOptions.FromEnvironment(_ => null), options);
    }

    [Theory]
    [InlineData("BLACKSMITH_STICKY_DISK_GRPC_PORT", "five")]
    [InlineData("BLACKSMITH_STICKY_DISK_GRPC_PORT", "0")]
    [InlineData("BLACKSMITH_STICKY_DISK_GRPC_PORT", "70000")]
    [InlineData("BLACKSMITH_STICKY_DISK_GRPC_PORT", "-1")]
    [InlineData("BLACKSMITH_AGENT_ADDRESS", "127.0.0.1:5557")]
    [InlineData("BLACKSMITH_AGENT_ADDRESS", "unix:///run/agent.sock")]
    public void An_unusable_port_or_address_is_refused_naming_the_variable(string variable, string value)
    {
        var error = Assert.Throws<FormatException>(() => AgentOptions.FromEnvironment(name => name == variable ? value : null));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_is_read_only_through_the_given_lookup()
    {
        var asked = new List<string>();

        AgentOptions.FromEnvironment(name =>
        {
            asked.Add(name);
            return null;
        });

        Assert.Equivalent(
            new[]
            {
                "BLACKSMITH_AGENT_ADDRESS", "BLACKSMITH_STICKY_DISK_GRPC_PORT", "BLACKSMITH_STICKYDISK_TOKEN", "BLACKSMITH_REGION",
                "BLACKSMITH_VM_ID", "BLACKSMITH_INSTALLATION_MODEL_ID", "GITHUB_REPO_NAME",
            },
            asked);
    }

    [Fact]
    public void Only_the_connectivity_check_has_a_deadline_of_its_own_and_the_other_calls_take_their_callers()
    {
        var options = new AgentOptions();

        Assert.InRange(options.UpTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
        Assert.Null(options.ExposeTimeout);
        Assert.Null(options.CommitTimeout);
        Assert.Null(options.MetricTimeout);
    }
}
