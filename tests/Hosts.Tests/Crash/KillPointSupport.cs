using System.Diagnostics;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// Whether this machine can run the kill-point tests, and if not, what is missing: the local store in loop-device mode
/// (root, /dev/loop-control, the ext4 and mount tools) and setsid, which starts every step in a process group of its
/// own so that a group kill never reaches the test host. Checked once per test run.
/// </summary>
internal static class KillPointSupport
{
    /// <summary>Set to 1 where the loop-device tests must run (CI as root): a missing capability then fails them instead of skipping them.</summary>
    public const string RequiredVariable = "BLACKSMITH_REQUIRE_LOOP_DEVICES";

    private static readonly string[] Tools = ["setsid", "sh", "losetup", "mkfs.ext4", "resize2fs", "blkid", "blockdev", "mount", "umount", "sync"];

    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why the kill-point tests cannot run here, or null when they can.</summary>
    public static string? MissingReason => Missing.Value;

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"loop devices and process groups as used here are Linux only; this is {Environment.OSVersion.Platform}";
        }

        if (!Infrastructure.Processes.Privilege.Current.IsRoot)
        {
            return "not root: attaching loop devices, mkfs and mount need root";
        }

        if (!File.Exists("/dev/loop-control"))
        {
            return "no /dev/loop-control: the loop driver is not loaded, or this container was not given it";
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (Tools.FirstOrDefault(tool => !path.Any(dir => File.Exists(Path.Combine(dir, tool)))) is { } missing)
        {
            return $"{missing} is not installed (not on PATH)";
        }

        // /dev/loop-control can be there yet unusable (an unprivileged container): ask for a free device as losetup will.
        using var losetup = Process.Start(new ProcessStartInfo("losetup", ["--find"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = losetup.StandardError.ReadToEnd();
        _ = losetup.StandardOutput.ReadToEnd();
        BoundedWait.ForExit(losetup, "losetup --find to exit");
        return losetup.ExitCode == 0 ? null : $"losetup --find failed (exit {losetup.ExitCode}): {error.Trim()}";
    }
}
