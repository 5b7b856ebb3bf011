using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Infrastructure.Tests.Buildx;

public sealed class HostPlatformTests
{
    [Theory]
    [InlineData(Architecture.X64, "linux/amd64")]
    [InlineData(Architecture.Arm64, "linux/arm64")]
    [InlineData(Architecture.Arm, "linux/arm")]
    [InlineData(Architecture.S390x, "linux/s390x")]
    [InlineData(Architecture.Ppc64le, "linux/ppc64le")]
    public void The_host_platform_follows_setup_docker_builder(Architecture architecture, string platform)
    {
        Assert.Equal(platform, HostPlatform.For(architecture));
    }
}
