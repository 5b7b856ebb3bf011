using System.Diagnostics;

namespace Blacksmith.Testing.BlockDevices;

/// <summary>
/// Whether this machine can run the loop-device tests, and if not, what is missing. Checked once per test run, for
/// every test project that formats and mounts ext4 images on loop devices.
/// </summary>
public static class LoopDeviceSupport
{
    /// <summary>Set to 1 where the loop-device tests must run (CI as root): a missing capability then fails them instead of skipping them.</summary>
    public const string RequiredVariable = "BLACKSMITH_REQUIRE_LOOP_DEVICES";

    // What the tests and the code under test run: the local store grows images (resize2fs) and makes directories as root.
    private static readonly string[] Tools = ["losetup", "mkfs.ext4", "resize2fs", "blkid", "blockdev", "mount", "umount", "sync", "mkdir"];

    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why the tests cannot run here, or null when they can.</summary>
    public static string? MissingReason => Missing.Value;

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"loop devices are Linux only; this is {Environment.OSVersion.Platform}";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not root: attaching loop devices, mkfs and mount need root";
        }

        if (!File.Exists("/dev/loop-control"))
        {
            return "no /dev/loop-control: the loop driver is not loaded, or this container was not given it";
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (Tools.FirstOrDefault(tool => !path.Any(dir => File.Exists(Path.Combine(dir, tool)))) is { } absent)
        {
            return $"{absent} is not installed (not on PATH)";
        }

        // /dev/loop-control can be there yet unusable (an unprivileged container): ask for a free device as losetup will.
        using var losetup = Process.Start(new ProcessStartInfo("losetup", ["--find"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = losetup.StandardError.ReadToEnd();
        _ = losetup.StandardOutput.ReadToEnd();
        BoundedWait.ForExit(losetup, "losetup --find to exit");
        return losetup.ExitCode == 0 ? null : $"losetup --find failed (exit {losetup.ExitCode}): {error.Trim()}";
    }
}
