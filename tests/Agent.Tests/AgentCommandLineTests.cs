using System.Net;
using System.Runtime.Versioning;
using Blacksmith.Agent.Configuration;
using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Agent.Tests;

/// <summary>Flags, their environment fallbacks, and the addresses and tokens they accept.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentCommandLineTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Theory]
    [InlineData("127.0.0.1:5557", "127.0.0.1", 5557, true)]
    [InlineData("[::1]:6000", "::1", 6000, true)]
    [InlineData("::1", "::1", 5557, true)]
    [InlineData("127.0.0.1", "127.0.0.1", 5557, true)]
    [InlineData("0.0.0.0:5557", "0.0.0.0", 5557, false)]
    [InlineData("172.17.0.1:5557", "172.17.0.1", 5557, false)]
    [InlineData("[::]:0", "::", 0, false)]
    public void Listen_addresses_parse_with_the_agents_default_port(string text, string address, int port, bool loopback)
    {
        var endpoint = ListenEndpoint.Parse(text);

        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(loopback, endpoint.IsLoopback);
    }

    [Fact]
    public void Every_option_states_its_default_and_its_variable_or_that_it_is_a_flag_only()
    {
        var options = new AgentCommandLine().Command.Options.Where(o => o is not (System.CommandLine.Help.HelpOption or System.CommandLine.VersionOption)).ToList();

        Assert.NotEmpty(options);
        Assert.All(options, option =>
        {
            Assert.Contains("Default", option.Description, StringComparison.Ordinal);
            Assert.True(
                option.Description!.Contains("BLACKSMITH_", StringComparison.Ordinal) || option.Description.Contains("Flag only", StringComparison.Ordinal),
                $"{option.Name} names neither its BLACKSMITH_* variable nor says it is a flag only: {option.Description}");
        });
    }

    [Fact]
    public void Localhost_is_loopback_on_both_families()
    {
        var endpoint = ListenEndpoint.Parse("localhost:7000");

        Assert.Null(endpoint.Address);
        Assert.True(endpoint.IsLoopback);
        Assert.Equal("localhost:7000", endpoint.ToString());
    }

    [Theory]
    [InlineData("agent.example.com:5557")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:port")]
    [InlineData("[::1")]
    public void Host_names_and_bad_ports_are_refused(string text) =>
        Assert.Throws<FormatException>(() => ListenEndpoint.Parse(text));

    [Fact]
    public void Without_flags_the_agent_listens_on_loopback_5557_with_no_token_over_the_default_data_directory()
    {
        var settings = Read([], new Dictionary<string, string?> { ["HOME"] = "/home/ci" });

        Assert.Equal([ListenEndpoint.Default], settings.Listen);
        Assert.Equal("127.0.0.1:5557", settings.Listen[0].ToString());
        Assert.Null(settings.Token);
        Assert.Equal("/home/ci/.local/share/blacksmith", settings.Store.DataDirectory);
        Assert.Equal(LocalStoreMode.Auto, settings.Store.Mode);
        settings.Validate();
    }

    [Fact]
    public void The_environment_gives_addresses_data_directory_and_token_when_no_flag_does()
    {
        var settings = Read([], new Dictionary<string, string?>
        {
            [AgentCommandLine.ListenVariable] = "127.0.0.1:6001, 172.17.0.1:6001",
            [LocalStoreOptions.DataDirectoryVariable] = "/srv/blacksmith",
            [AgentCommandLine.TokenVariable] = "0123456789abcdef0123",
        });

        Assert.Equal(["127.0.0.1:6001", "172.17.0.1:6001"], settings.Listen.Select(l => l.ToString()));
        Assert.Equal("/srv/blacksmith", settings.Store.DataDirectory);
        Assert.Equal("0123456789abcdef0123", settings.Token);
        Assert.DoesNotContain("0123456789abcdef0123", settings.ToString(), StringComparison.Ordinal);
        settings.Validate();
    }

    [Fact]
    public void A_token_file_is_read_without_its_trailing_newline_and_a_file_others_can_read_is_warned_about()
    {
        var directory = Directory.CreateTempSubdirectory("blacksmith-agent-token-");
        try
        {
            var file = Path.Combine(directory.FullName, "token");
            File.WriteAllText(file, "s3cr3t-t0ken-of-24-chars\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var warnings = new List<string>();

            var settings = Read(["--token-file", file, "--listen", "0.0.0.0:5557", "--generations", "3", "--disk-size-gib", "4"], NoEnvironment, warnings);

            Assert.Equal("s3cr3t-t0ken-of-24-chars", settings.Token);
            Assert.Contains(warnings, w => w.Contains("can be read by other users", StringComparison.Ordinal));
            Assert.Equal(3, settings.Store.GenerationsKept);
            Assert.Equal(4L * 1024 * 1024 * 1024, settings.Store.DiskSizeBytes);
            settings.Validate();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_token_file_a_token_given_twice_and_a_tooShorttoken_are_refused()
    {
        var missing = Assert.Throws<AgentConfigurationException>(() => Read(["--token-file", "/nonexistent/token"], NoEnvironment));
        var twice = Assert.Throws<AgentConfigurationException>(() =>
            Read(["--token-file", "/nonexistent/token"], new Dictionary<string, string?> { [AgentCommandLine.TokenVariable] = "0123456789abcdef" }));
        var weak = Assert.Throws<AgentConfigurationException>(() =>
            Read([], new Dictionary<string, string?> { [AgentCommandLine.TokenVariable] = "short" }).Validate());

        Assert.Contains("cannot read the token file /nonexistent/token", missing.Message, StringComparison.Ordinal);
        Assert.Contains("keep one", twice.Message, StringComparison.Ordinal);
        Assert.Contains("too weak", weak.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exposures_are_leased_for_6_hours_checked_every_5_minutes_unless_a_flag_or_the_environment_says_otherwise()
    {
        var defaults = Read([], NoEnvironment);
        var environment = Read([], new Dictionary<string, string?>
        {
            [AgentCommandLine.ExposureLeaseVariable] = "2d",
            [AgentCommandLine.LeaseCheckIntervalVariable] = "90s",
        });
        var flags = Read(["--exposure-lease", "12h", "--lease-check-interval", "1m"], new Dictionary<string, string?>
        {
            [AgentCommandLine.ExposureLeaseVariable] = "2d",
        });

        Assert.Equal(TimeSpan.FromHours(6), defaults.Store.ExposureLease);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.LeaseCheckInterval);
        Assert.Equal(TimeSpan.FromDays(2), environment.Store.ExposureLease);
        Assert.Equal(TimeSpan.FromSeconds(90), environment.LeaseCheckInterval);
        Assert.Equal(TimeSpan.FromHours(12), flags.Store.ExposureLease);
        Assert.Equal(TimeSpan.FromMinutes(1), flags.LeaseCheckInterval);
        defaults.Validate();
    }

    [Fact]
    public void A_lease_that_is_not_a_duration_or_is_under_a_minute_is_refused_naming_where_it_came_from()
    {
        var flag = Assert.Throws<AgentConfigurationException>(() => Read(["--exposure-lease", "6 hours"], NoEnvironment));
        var variable = Assert.Throws<AgentConfigurationException>(() =>
            Read([], new Dictionary<string, string?> { [AgentCommandLine.LeaseCheckIntervalVariable] = "-5m" }));
        var tooShort = Assert.Throws<AgentConfigurationException>(() => Read(["--exposure-lease", "30s"], NoEnvironment).Validate());

        Assert.Equal("--exposure-lease must be a whole number of s, m, h or d (e.g. 6h, 5m), not '6 hours'", flag.Message);
        Assert.StartsWith(AgentCommandLine.LeaseCheckIntervalVariable + " must be a whole number", variable.Message, StringComparison.Ordinal);
        Assert.Contains("at least 1 minute", tooShort.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duration_takes_its_unit_in_either_case_and_one_too_long_for_a_timespan_is_refused_as_such()
    {
        var upper = Read(["--exposure-lease", "12H", "--lease-check-interval", "2M"], NoEnvironment);
        var tooLong = Assert.Throws<AgentConfigurationException>(() => Read(["--lease-check-interval", "99999999d"], NoEnvironment));
        var variable = Assert.Throws<AgentConfigurationException>(() =>
            Read([], new Dictionary<string, string?> { [AgentCommandLine.ExposureLeaseVariable] = "99999999999999999999999s" }));

        Assert.Equal(TimeSpan.FromHours(12), upper.Store.ExposureLease);
        Assert.Equal(TimeSpan.FromMinutes(2), upper.LeaseCheckInterval);
        Assert.Equal("--lease-check-interval is too long to be a duration (at most 10675199d), not '99999999d'", tooLong.Message);
        Assert.StartsWith(AgentCommandLine.ExposureLeaseVariable + " is too long to be a duration", variable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backend_ceph_reads_the_cluster_from_flags_and_variables_and_keeps_the_data_directory_for_this_hosts_attachments()
    {
        var directory = Directory.CreateTempSubdirectory("agent-ceph-");
        try
        {
            var conf = Path.Combine(directory.FullName, "ceph.conf");
            var keyring = Path.Combine(directory.FullName, "keyring");
            File.WriteAllText(conf, "[global]\nmon host = 127.0.0.1\n");
            File.WriteAllText(keyring, string.Empty);

            var settings = Read(
                ["--backend", "ceph", "--ceph-conf", conf, "--ceph-pool", "builds", "--data-dir", directory.FullName, "--generations", "3"],
                new Dictionary<string, string?>
                {
                    [AgentCommandLine.CephKeyringVariable] = keyring,
                    [AgentCommandLine.CephUserVariable] = "client.fleet",
                    [AgentCommandLine.CephNamespaceVariable] = "ci",
                    [AgentCommandLine.CephAttachVariable] = "rbd-fuse",
                });

            Assert.Equal(AgentBackend.Ceph, settings.Backend);
            var ceph = Assert.IsType<Blacksmith.Infrastructure.CephStore.CephStoreOptions>(settings.Ceph);
            Assert.Equal((conf, "builds", keyring, "fleet", "ci"), (ceph.ConfigFile, ceph.Pool, ceph.Keyring, ceph.User, ceph.Namespace));
            Assert.Equal(Blacksmith.Infrastructure.CephStore.CephAttachMode.RbdFuse, ceph.Attach);
            Assert.Equal((directory.FullName, 3), (ceph.DataDirectory, ceph.GenerationsKept));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--backend", "ceph", "--ceph-pool", "rbd" }, "--ceph-conf")]
    [InlineData(new[] { "--backend", "ceph", "--ceph-conf", "/nonexistent/ceph.conf", "--ceph-pool", "rbd" }, "does not exist")]
    [InlineData(new[] { "--backend", "s3" }, "local or ceph")]
    [InlineData(new[] { "--ceph-pool", "rbd" }, "--backend ceph only")]
    public void Backend_ceph_without_a_usable_cluster_configuration_is_refused_before_anything_starts(string[] args, string expected)
    {
        var refused = Assert.Throws<AgentConfigurationException>(() => Read(args, NoEnvironment));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backend_defaults_to_the_local_store()
    {
        var settings = Read([], new Dictionary<string, string?> { ["HOME"] = "/home/ci" });

        Assert.Equal(AgentBackend.Local, settings.Backend);
        Assert.Null(settings.Ceph);
    }

    [Fact]
    public void Without_a_metrics_address_no_metrics_are_served()
    {
        var settings = Read([], NoEnvironment);

        Assert.Null(settings.MetricsListen);
        Assert.False(settings.MetricsAllowRemote);
    }

    [Theory]
    [InlineData("127.0.0.1:9100", "127.0.0.1:9100")]
    [InlineData("127.0.0.1", "127.0.0.1:9557")]
    [InlineData("[::1]:9200", "[::1]:9200")]
    [InlineData("localhost:9300", "localhost:9300")]
    public void A_metrics_address_is_parsed_with_9557_as_its_default_port(string text, string expected)
    {
        var settings = Read(["--metrics-listen", text], NoEnvironment);

        Assert.Equal(expected, settings.MetricsListen!.ToString());
        settings.Validate();
    }

    [Fact]
    public void The_metrics_address_comes_from_the_environment_when_no_flag_gives_it()
    {
        var fromVariable = Read([], new Dictionary<string, string?> { [AgentCommandLine.MetricsListenVariable] = "127.0.0.1:9400" });
        var flagWins = Read(["--metrics-listen", "127.0.0.1:9500"], new Dictionary<string, string?> { [AgentCommandLine.MetricsListenVariable] = "127.0.0.1:9400" });

        Assert.Equal("127.0.0.1:9400", fromVariable.MetricsListen!.ToString());
        Assert.Equal("127.0.0.1:9500", flagWins.MetricsListen!.ToString());
    }

    [Theory]
    [InlineData("0.0.0.0:9557")]
    [InlineData("172.17.0.1:9557")]
    [InlineData("[::]:9557")]
    public void A_metrics_address_beyond_loopback_is_refused_unless_the_operator_allows_it(string text)
    {
        var refused = Read(["--metrics-listen", text], NoEnvironment);
        var allowed = Read(["--metrics-listen", text, "--metrics-allow-remote"], NoEnvironment);

        var error = Assert.Throws<AgentConfigurationException>(refused.Validate);
        Assert.StartsWith($"refusing to serve metrics on {refused.MetricsListen}, beyond loopback", error.Message, StringComparison.Ordinal);
        Assert.Contains("--metrics-allow-remote", error.Message, StringComparison.Ordinal);
        Assert.True(allowed.MetricsAllowRemote);
        allowed.Validate();
    }

    [Theory]
    [InlineData("127.0.0.1:5557")]
    [InlineData("localhost:5557")]
    public void A_metrics_address_on_an_api_port_is_refused(string text)
    {
        var settings = Read(["--metrics-listen", text], NoEnvironment);

        var error = Assert.Throws<AgentConfigurationException>(settings.Validate);
        Assert.Contains("give the metrics a port of their own", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--metrics-listen", "metrics.example.com:9557", "--metrics-listen: 'metrics.example.com:9557' is not a listen address")]
    [InlineData("--metrics-listen", "127.0.0.1:http", "--metrics-listen: '127.0.0.1:http' is not a listen address: 'http' is not a TCP port")]
    [InlineData(null, "127.0.0.1:70000", "BLACKSMITH_AGENT_METRICS_LISTEN: '127.0.0.1:70000' is not a listen address")]
    public void A_metrics_address_that_is_not_one_is_a_configuration_error_naming_where_it_came_from(string? flag, string value, string expected)
    {
        var commandLine = new AgentCommandLine();
        var parse = commandLine.Command.Parse(flag is null ? [] : [flag, value]);
        var environment = flag is null ? new Dictionary<string, string?> { [AgentCommandLine.MetricsListenVariable] = value } : NoEnvironment;

        var error = Assert.Throws<AgentConfigurationException>(() => commandLine.Read(parse, name => environment.GetValueOrDefault(name), isRoot: false, _ => { }));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static AgentSettings Read(string[] args, IReadOnlyDictionary<string, string?> environment, List<string>? warnings = null)
    {
        var commandLine = new AgentCommandLine();
        var parse = commandLine.Command.Parse(args);
        Assert.Empty(parse.Errors);
        return commandLine.Read(parse, name => environment.GetValueOrDefault(name), isRoot: false, (warnings ?? []).Add);
    }
}
