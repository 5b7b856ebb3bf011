using Blacksmith.Infrastructure.Buildkit;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

public sealed class BuildkitdConfigTests
{
    [Fact]
    public void Without_a_mirror_the_config_has_root_address_and_the_oci_worker_only()
    {
        var options = new BuildkitOptions { MaxParallelism = 6 };

        var config = TomlDocument.Parse(BuildkitdConfig.Create("/var/lib/buildkit", "tcp://127.0.0.1:1234", options).ToToml());

        Assert.Equal("/var/lib/buildkit", config.Get("root"));
        Assert.Equal(false, config.Get("debug"));
        Assert.Equal(["tcp://127.0.0.1:1234"], config.Strings("grpc", "address"));
        Assert.False(config.Has("registry"));
        Assert.Equal(true, config.Get("worker", "oci", "enabled"));
        Assert.Equal(true, config.Get("worker", "oci", "gc"));
        Assert.Equal(6L, config.Get("worker", "oci", "max-parallelism"));
        Assert.Equal("overlayfs", config.Get("worker", "oci", "snapshotter"));
        var rule = Assert.Single((Tomlyn.Model.TomlTableArray)config.Get("worker", "oci", "gcpolicy")!);
        Assert.Equal("192h", rule["keepDuration"]);
        Assert.Equal(false, config.Get("worker", "containerd", "enabled"));
    }

    [Fact]
    public void A_socket_owner_is_written_as_the_grpc_uid_and_gid_and_left_to_buildkit_otherwise()
    {
        var options = new BuildkitOptions();

        var owned = TomlDocument.Parse(BuildkitdConfig.Create("/r", "unix:///run/job/buildkitd.sock", options, (1001, 1002)).ToToml());
        var unowned = TomlDocument.Parse(BuildkitdConfig.Create("/r", "unix:///run/job/buildkitd.sock", options).ToToml());

        Assert.Equal(1001L, owned.Get("grpc", "uid"));
        Assert.Equal(1002L, owned.Get("grpc", "gid"));
        Assert.Null(unowned.Get("grpc", "uid"));
        Assert.Null(unowned.Get("grpc", "gid"));
    }

    [Fact]
    public void Parallelism_defaults_to_the_cpu_count_and_the_gc_duration_is_configurable()
    {
        var options = new BuildkitOptions { GcKeepDuration = "48h" };

        var config = TomlDocument.Parse(BuildkitdConfig.Create("/r", "tcp://127.0.0.1:1", options).ToToml());

        Assert.Equal((long)Environment.ProcessorCount, config.Get("worker", "oci", "max-parallelism"));
        Assert.Equal("48h", ((Tomlyn.Model.TomlTableArray)config.Get("worker", "oci", "gcpolicy")!)[0]["keepDuration"]);
    }

    [Fact]
    public void An_http_mirror_serves_docker_hub_and_its_own_host_is_plain_http()
    {
        var options = new BuildkitOptions { RegistryMirror = "http://192.168.127.1:5000" };

        var text = BuildkitdConfig.Create("/var/lib/buildkit", "tcp://127.0.0.1:1234", options).ToToml();
        var config = TomlDocument.Parse(text);

        Assert.Contains("[registry.\"docker.io\"]", text, StringComparison.Ordinal);
        Assert.Equal(["http://192.168.127.1:5000"], config.Strings("registry", "docker.io", "mirrors"));
        // docker.io itself stays HTTPS: only the mirror host is reached over plain HTTP.
        Assert.Null(config.Get("registry", "docker.io", "http"));
        Assert.Equal(true, config.Get("registry", "192.168.127.1:5000", "http"));
        Assert.Equal(true, config.Get("registry", "192.168.127.1:5000", "insecure"));
    }

    [Fact]
    public void An_https_mirror_needs_no_section_of_its_own()
    {
        var options = new BuildkitOptions { RegistryMirror = "https://mirror.gcr.io" };

        var config = TomlDocument.Parse(BuildkitdConfig.Create("/r", "tcp://127.0.0.1:1", options).ToToml());

        Assert.Equal(["https://mirror.gcr.io"], config.Strings("registry", "docker.io", "mirrors"));
        Assert.False(config.Has("registry", "mirror.gcr.io"));
    }

    [Fact]
    public void Paths_and_addresses_with_quotes_and_backslashes_survive_the_round_trip()
    {
        const string root = "/tmp/a \"quoted\" root\\with\\backslashes";

        var config = TomlDocument.Parse(BuildkitdConfig.Create(root, "tcp://[::1]:1234", new BuildkitOptions()).ToToml());

        Assert.Equal(root, config.Get("root"));
        Assert.Equal(["tcp://[::1]:1234"], config.Strings("grpc", "address"));
    }
}
