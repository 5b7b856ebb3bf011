using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The parser against real <c>docker buildx inspect</c> outputs (tests/fixtures, docker/actions-toolkit).</summary>
public sealed class BuildxInspectParserTests
{
    public static TheoryData<string> Fixtures() => [.. Directory.GetFiles(FixtureDirectory(), "inspect*.txt").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_real_inspect_output_parses_into_a_named_builder_with_nodes(string fixture)
    {
        var inspection = BuildxInspectParser.Parse(File.ReadAllText(Path.Combine(FixtureDirectory(), fixture)));

        Assert.False(string.IsNullOrWhiteSpace(inspection.Name));
        Assert.NotEmpty(inspection.Nodes);
        Assert.All(inspection.Nodes, n => Assert.False(string.IsNullOrWhiteSpace(n.Name)));
    }

    [Fact]
    public void Fixtures_are_all_there()
    {
        Assert.Equal(12, Fixtures().Count);
    }

    [Fact]
    public void Old_buildx_output_reads_flags_version_driver_options_and_activity()
    {
        var inspection = Read("inspect7.txt");

        Assert.Equal("builder2", inspection.Name);
        Assert.Equal("docker-container", inspection.Driver);
        Assert.Equal(new DateTimeOffset(2023, 1, 16, 9, 45, 23, TimeSpan.Zero), inspection.LastActivity);
        var node = Assert.Single(inspection.Nodes);
        Assert.Equal("builder20", node.Name);
        Assert.Equal("unix:///var/run/docker.sock", node.Endpoint);
        Assert.Equal("running", node.Status);
        Assert.Equal("v0.11.0", node.BuildkitVersion);
        Assert.StartsWith("--debug", node.BuildkitdFlags, StringComparison.Ordinal);
        Assert.Equal("moby/buildkit:latest", node.DriverOptions["image"]);
        Assert.Equal("localhost:6831", node.DriverOptions["env.JAEGER_TRACE"]);
        Assert.Equal(12, node.Platforms.Count);
        Assert.Equal("linux/amd64", node.Platforms[0]);
    }

    [Fact]
    public void New_buildx_output_reads_features_labels_and_gc_rules_and_skips_devices()
    {
        var inspection = Read("inspect12.txt");

        var node = Assert.Single(inspection.Nodes);
        Assert.Equal("nvidia0", node.Name);
        Assert.Equal("v0.20.0-rc2-4-gd30d8e22c.m", node.BuildkitVersion);
        Assert.Equal("--allow-insecure-entitlement=network.host", node.BuildkitdFlags);
        Assert.True(node.Features["Cache export"]);
        Assert.Equal("overlayfs", node.Labels["org.mobyproject.buildkit.worker.snapshotter"]);
        Assert.DoesNotContain("Name", node.Labels.Keys);
        Assert.NotEmpty(node.GcPolicy);
        Assert.Equal("48h0m0s", node.GcPolicy[0].KeepDuration);
        Assert.Equal(["type==source.local", "type==exec.cachemount", "type==source.git.checkout"], node.GcPolicy[0].Filters);
        Assert.False(node.GcPolicy[0].All);
    }

    [Fact]
    public void Endpoint_with_a_port_keeps_its_colons()
    {
        var inspection = BuildxInspectParser.Parse("""
            Name:   blacksmith
            Driver: remote

            Nodes:
            Name:      blacksmith0
            Endpoint:  tcp://127.0.0.1:1234
            Status:    running
            Platforms: linux/amd64*, linux/arm64, linux/arm64*
            """);

        var node = Assert.Single(inspection.Nodes);
        Assert.Equal("tcp://127.0.0.1:1234", node.Endpoint);
        Assert.Equal(["linux/amd64", "linux/arm64"], node.Platforms);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ERROR: no builder \"x\" found")]
    public void Output_without_a_builder_name_is_a_bad_reply_naming_what_was_expected(string output)
    {
        var error = Assert.Throws<ExternalCallException>(() => BuildxInspectParser.Parse(output));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
        Assert.Contains("Name:", error.Message, StringComparison.Ordinal);
    }

    private static BuilderInspection Read(string fixture) => BuildxInspectParser.Parse(File.ReadAllText(Path.Combine(FixtureDirectory(), fixture)));

    private static string FixtureDirectory() => Checkout.Fixtures("docker-actions-toolkit", "buildx-inspect");
}
