using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Whether a builder's BuildKit takes attestations, from real <c>docker buildx inspect</c> outputs.</summary>
public sealed class BuildkitSupportTests
{
    [Theory]
    [InlineData("inspect1.txt", false)] // v0.10.4
    [InlineData("inspect3.txt", false)] // a commit, not a version
    [InlineData("inspect4.txt", false)] // docker driver, 20.10.17 without -moby
    [InlineData("inspect7.txt", true)] // v0.11.0
    [InlineData("inspect8.txt", true)] // v0.11.6
    [InlineData("inspect9.txt", false)] // docker driver, v0.11.7-... without -moby
    [InlineData("inspect10.txt", false)] // an inactive node that reports no version
    [InlineData("inspect12.txt", true)] // v0.20.0-rc2-4-gd30d8e22c.m
    public void Every_node_must_run_BuildKit_0_11_or_later(string fixture, bool expected)
    {
        var inspection = BuildxInspectParser.Parse(File.ReadAllText(ToolkitFixtures.Path("buildx-inspect", fixture)));

        Assert.Equal(expected, BuildkitSupport.SupportsProvenance(inspection));
    }

    [Theory]
    [InlineData("docker", "v0.12.5-moby", true)]
    [InlineData("docker", "v0.10.1-moby", false)]
    [InlineData("remote", "v0.12.5", true)]
    [InlineData("remote", "", false)]
    [InlineData("remote", null, false)]
    public void The_docker_driver_needs_the_moby_suffix_and_a_node_without_a_version_does_not_count(string driver, string? version, bool expected)
    {
        var node = new BuilderNode("n0", null, "running", null, version, new Dictionary<string, string>(), [], new Dictionary<string, bool>(), new Dictionary<string, string>(), []);

        Assert.Equal(expected, BuildkitSupport.SupportsProvenance(new BuilderInspection("b", driver, null, null, [node])));
        Assert.False(BuildkitSupport.SupportsProvenance(new BuilderInspection("b", driver, null, null, [])));
    }
}
