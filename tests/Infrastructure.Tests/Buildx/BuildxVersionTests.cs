using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Infrastructure.Tests.Buildx;

public sealed class BuildxVersionTests
{
    [Theory]
    [InlineData("github.com/docker/buildx v0.23.0 28c90ea\n", "0.23.0")]
    [InlineData("github.com/docker/buildx 0.10.4+azure-1 c513d34", "0.10.4")]
    [InlineData("github.com/docker/buildx 3f3b3d0 3f3b3d0dc9e5c3e0f8c1b1f3f3b3d0dc9e5c3e0f", "3f3b3d0")]
    public void The_version_is_read_as_docker_actions_toolkit_reads_it(string output, string version)
    {
        Assert.Equal(version, BuildxVersion.Parse(output));
    }

    [Fact]
    public void Output_without_a_version_gives_none()
    {
        Assert.Null(BuildxVersion.Parse("buildx-development-build"));
    }
}
