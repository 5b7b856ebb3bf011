using System.Runtime.InteropServices;

namespace Blacksmith.Hosting.Hosts;

/// <summary>
/// Where a job's pieces live on this machine. The defaults are those of a Blacksmith runner; each can be changed
/// for other machines (and for tests, which give every job its own root and address).
/// </summary>
public sealed record HostSettings
{
    /// <summary>The BuildKit root, where the sticky disk is mounted.</summary>
    public string MountPoint { get; init; } = "/var/lib/buildkit";

    /// <summary>The daemon's gRPC address.</summary>
    public string DaemonAddress { get; init; } = "tcp://127.0.0.1:1234";

    /// <summary>How long the daemon may take to list a worker.</summary>
    public TimeSpan ReadyBudget { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The journal's directory (resolved by the verb: flag, environment, CI ids).</summary>
    public required string JobDirectory { get; init; }

    public Architecture Architecture { get; init; } = RuntimeInformation.OSArchitecture;

    /// <summary>Reads the overrides (<c>BLACKSMITH_BUILDKIT_ROOT</c>, <c>BLACKSMITH_BUILDKIT_ADDRESS</c>) from the environment.</summary>
    public static HostSettings FromEnvironment(string jobDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new HostSettings { JobDirectory = jobDirectory };
        return settings with
        {
            MountPoint = NonEmpty(environment("BLACKSMITH_BUILDKIT_ROOT")) ?? settings.MountPoint,
            DaemonAddress = NonEmpty(environment("BLACKSMITH_BUILDKIT_ADDRESS")) ?? settings.DaemonAddress,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
