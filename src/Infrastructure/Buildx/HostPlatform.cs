using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>The platform a builder declares when the user names none: the host's, as setup-docker-builder derives it.</summary>
public static class HostPlatform
{
    public static string Current => For(RuntimeInformation.OSArchitecture);

    public static string For(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "linux/amd64",
        Architecture.Arm64 => "linux/arm64",
        Architecture.Arm => "linux/arm",
        Architecture.Armv6 => "linux/arm/v6",
        Architecture.X86 => "linux/386",
        Architecture.LoongArch64 => "linux/loong64",
        _ => "linux/" + architecture.ToString().ToLowerInvariant(),
    };
}
