using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary><c>docker buildx version</c> as upstream parses it, and the gates.</summary>
public sealed class BuildxVersionTests
{
    [Theory]
    [InlineData("github.com/docker/buildx v0.17.1 257815a6fb0a6d8a9f2ca1e2e0b2e2b7f7d2b9e3", "0.17.1")]
    [InlineData("github.com/docker/buildx 0.4.1+azure bda4882a65349ca359216b135896bddc1d92461c", "0.4.1")]
    [InlineData("github.com/docker/buildx v0.4.2 fb7b670b764764dc4716df3eba07ffdae4cc47b2", "0.4.2")]
    [InlineData("github.com/docker/buildx v0.23.0-desktop.1 28c90eadc", "0.23.0")]
    [InlineData("github.com/docker/buildx v0.18.0-rc2 1234567", "0.18.0")]
    [InlineData("github.com/docker/buildx v0.12 abcdefg\n", "0.12.0")]
    public void A_release_reads_its_dotted_number(string output, string expected)
    {
        var version = BuildxVersion.Parse(output);

        Assert.Equal(Version.Parse(expected), version.Release);
        Assert.Null(version.Commit);
        Assert.Equal(expected, version.ToString());
    }

    [Fact]
    public void A_dev_build_reads_its_commit_and_passes_every_gate()
    {
        var version = BuildxVersion.Parse("github.com/docker/buildx f117971 f11797113e5a9b86bd976329c5dbb8a8bfdfadfa");

        Assert.Null(version.Release);
        Assert.Equal("f117971", version.Commit);
        Assert.True(version.IsAtLeast(99, 0, 0));
        Assert.Equal("dev build f117971", version.ToString());
    }

    [Theory]
    [InlineData(0, 17, 1, true)]
    [InlineData(0, 17, 0, true)]
    [InlineData(0, 10, 0, true)]
    [InlineData(0, 17, 2, false)]
    [InlineData(0, 18, 0, false)]
    [InlineData(1, 0, 0, false)]
    public void Gates_compare_major_minor_patch(int major, int minor, int patch, bool passes)
    {
        Assert.Equal(passes, Builds.Version(0, 17, 1).IsAtLeast(major, minor, patch));
    }

    [Theory]
    [InlineData("")]
    [InlineData("docker: 'buildx' is not a docker command.")]
    [InlineData("github.com/docker/buildx")]
    public void Output_without_a_version_is_a_bad_reply_that_quotes_it(string output)
    {
        var error = Assert.Throws<ExternalCallException>(() => BuildxVersion.Parse(output));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
        Assert.Contains(output.Trim(), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v0.12.5", "0.12.5")]
    [InlineData("0.13.0-rc1", "0.13.0")]
    [InlineData("v0.20.0-rc2-4-gd30d8e22c.m", "0.20.0")]
    [InlineData("v0.11", "0.11.0")]
    public void A_BuildKit_version_reads_its_leading_number(string text, string expected)
    {
        Assert.Equal(Version.Parse(expected), BuildxVersion.TryParseNumber(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("moby")]
    [InlineData("vX.1")]
    public void Text_without_a_leading_number_has_none(string text)
    {
        Assert.Null(BuildxVersion.TryParseNumber(text));
    }
}
