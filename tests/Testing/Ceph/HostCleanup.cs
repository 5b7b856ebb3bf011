using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Blacksmith.Testing.Ceph;

/// <summary>
/// Takes away what tests on a Ceph cluster leave on this machine, found by what it is and never by a guess: mounts
/// under a directory (deepest first), loop devices whose backing file lies under it, and rbd-fuse processes whose
/// command line names it or the cluster's config; and the loop devices a killed run left over rbd-fuse images whose
/// mount is gone.
/// </summary>
public static partial class HostCleanup
{
    // How long each stage of stopping a process may take: its exit after SIGTERM, after SIGKILL, and its reaping.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Detaches the loop devices a killed test run left over rbd-fuse images, and returns them. With rbd-fuse gone its
    /// mount went too, and such a device's backing file reads as the bare image name at the root
    /// (<c>/acme%2Fwidgets~c0123456789abcdef</c>), under no directory a run could name. Only a device whose backing file
    /// no longer exists and is named as the Ceph store names an exposure's image is touched.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DetachOrphanedImageDevicesAsync()
    {
        var orphans = LoopDevices().Where(d => OrphanedImage().IsMatch(d.Backing) && !File.Exists(d.Backing)).Select(d => d.Device).ToList();
        foreach (var device in orphans)
        {
            await RunAsync("losetup", "-d", device);
        }

        return orphans;
    }

    /// <summary>Unmounts, detaches and stops everything of ours under <paramref name="directory"/>.</summary>
    public static async Task ReleaseUnderAsync(string directory, string? configFile = null)
    {
        var prefix = directory.TrimEnd('/') + "/";

        // ext4 mounts first (over loop devices), then the FUSE mounts beneath those devices.
        foreach (var mountPoint in MountPoints().Where(m => m.Point.StartsWith(prefix, StringComparison.Ordinal) && m.Type != "fuse").Select(m => m.Point).Reverse())
        {
            await RunAsync("umount", "-l", mountPoint);
        }

        foreach (var (device, backing) in LoopDevices().Where(d => d.Backing.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await RunAsync("losetup", "-d", device);
            _ = backing;
        }

        foreach (var mountPoint in MountPoints().Where(m => m.Point.StartsWith(prefix, StringComparison.Ordinal)).Select(m => m.Point).Reverse())
        {
            await RunAsync("umount", "-l", mountPoint);
        }

        foreach (var pid in FuseProcesses(prefix, configFile))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                await StopAsync(process);
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }
    }

    /// <summary>
    /// SIGTERM, up to 10 s, then SIGKILL to its tree, up to 10 s more, and up to 10 s for its parent to reap it: never
    /// longer. An exited process nobody reaps (a zombie) looks alive to <see cref="Process"/>, whose wait would never
    /// end, so the state is read from /proc.
    /// </summary>
    /// <exception cref="TimeoutException">It still runs after SIGKILL, or it is a zombie its parent never reaped: the
    /// message names it and its parent chain, whose first living member is the one that should have reaped it.</exception>
    public static async Task StopAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return;
        }

        var pid = process.Id;
        var name = $"pid {pid}";
        await RunAsync("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!await SettlesAsync(() => BoundedWait.IsGoneOrZombie(pid)))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or AggregateException)
            {
                // Exited meanwhile, or a descendant not ours to kill: what /proc says next decides.
            }

            if (!await SettlesAsync(() => BoundedWait.IsGoneOrZombie(pid)))
            {
                throw new TimeoutException($"{name} still runs {StopGrace.TotalSeconds:0} s after SIGKILL: {BoundedWait.Describe(pid)}.");
            }
        }

        if (!await SettlesAsync(() => BoundedWait.IsGone(pid)))
        {
            throw new TimeoutException($"{name} exited but was not reaped within {StopGrace.TotalSeconds:0} s, a zombie: {BoundedWait.Describe(pid)}.");
        }
    }

    private static async Task<bool> SettlesAsync(Func<bool> condition)
    {
        try
        {
            await BoundedWait.UntilAsync(condition, "a process to stop", StopGrace);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static List<(string Point, string Type)> MountPoints() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Select(fields => (Point: Unescape(fields[4]), Type: fields[Array.IndexOf(fields, "-") + 1]))
            .ToList();

    private static IEnumerable<(string Device, string Backing)> LoopDevices()
    {
        foreach (var directory in Directory.Exists("/sys/block") ? Directory.EnumerateDirectories("/sys/block", "loop*") : [])
        {
            var backing = Path.Combine(directory, "loop", "backing_file");
            string file;
            try
            {
                file = File.ReadAllText(backing).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            yield return ("/dev/" + Path.GetFileName(directory), file.EndsWith(" (deleted)", StringComparison.Ordinal) ? file[..^10] : file);
        }
    }

    private static List<int> FuseProcesses(string prefix, string? configFile)
    {
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            string[] argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (argv.Length > 0 && Path.GetFileName(argv[0]) == "rbd-fuse"
                && argv.Any(a => a.StartsWith(prefix, StringComparison.Ordinal) || (configFile is not null && a == configFile)))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    // An image the Ceph store made for an exposure, <encoded key>~<expose id> (CephImageNames), alone at the root: the
    // encoded key keeps letters, digits and . _ - %, and an expose id is c and 16 hex digits.
    [GeneratedRegex("^/[A-Za-z0-9._%-]+~c[0-9a-f]{16}$")]
    private static partial Regex OrphanedImage();

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal).Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        // umount and losetup can block in the kernel on a device whose FUSE daemon is gone.
        await BoundedWait.ForAsync(output, $"{tool} {string.Join(' ', arguments)} to close its output");
        await BoundedWait.ForExitAsync(process, $"{tool} {string.Join(' ', arguments)} to exit");
    }
}
