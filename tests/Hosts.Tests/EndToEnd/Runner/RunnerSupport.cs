using Blacksmith.Testing.BlockDevices;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// Whether this machine can run simulated jobs, and if not, what is missing: the local store puts the BuildKit
/// root on a loop device (what <see cref="LoopDeviceSupport"/> probes for every loop-device test), and the actions
/// are node scripts that bash and kill drive. Checked once per test run.
/// </summary>
internal static class RunnerSupport
{
    private static readonly string[] Tools = ["node", "bash", "kill"];

    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why simulated jobs cannot run here, or null when they can.</summary>
    public static string? MissingReason => Missing.Value;

    /// <summary>Where loop-device tests must run (BLACKSMITH_REQUIRE_LOOP_DEVICES=1), simulated jobs must too.</summary>
    public static bool Required => LoopDeviceSupport.Required;

    private static string? Probe()
    {
        if (LoopDeviceSupport.MissingReason is { } loop)
        {
            return $"the local store needs loop devices: {loop}";
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return Tools.FirstOrDefault(tool => !path.Any(dir => File.Exists(Path.Combine(dir, tool)))) is { } missing
            ? $"{missing} is not installed (not on PATH)"
            : null;
    }
}
