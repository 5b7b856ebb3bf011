using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Infrastructure.Tests.CephStore;

/// <summary>Every Ceph call names the cluster and bounds its waits, so no client searches DNS or waits minutes.</summary>
public sealed class CephCliTests
{
    [Fact]
    public void Every_client_is_given_the_config_the_user_the_keyring_and_bounded_connect_and_request_timeouts()
    {
        var options = new CephStoreOptions("/etc/fleet/ceph.conf", "builds", "/var/lib/blacksmith")
        {
            Keyring = "/etc/fleet/keyring",
            User = "fleet",
            CallTimeout = TimeSpan.FromSeconds(7),
        };
        var cli = new CephCli(options, new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System));

        var arguments = cli.ClientArguments();

        Assert.Equal(
            ["-c", "/etc/fleet/ceph.conf", "--id", "fleet", "--keyring", "/etc/fleet/keyring", "--client_mount_timeout", "7",
                "--rados_mon_op_timeout", "7", "--rados_osd_op_timeout", "7"],
            arguments);
    }

    [Theory]
    [InlineData(null, "img", null, "builds/img")]
    [InlineData("ci", "img", null, "builds/ci/img")]
    [InlineData("ci", "img", "gen", "builds/ci/img@gen")]
    public void Image_specs_name_the_pool_the_namespace_and_the_snapshot(string? ns, string image, string? snapshot, string expected)
    {
        var cli = new CephCli(new CephStoreOptions("/c", "builds", "/d") { Namespace = ns }, new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System));

        Assert.Equal(expected, cli.Spec(image, snapshot));
    }
}
