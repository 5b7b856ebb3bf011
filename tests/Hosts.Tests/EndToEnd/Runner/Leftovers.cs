using System.Diagnostics;
using System.Globalization;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// What a finished job must not leave behind on the machine: a process started for it (buildkitd, a double, a host),
/// a mount under its directories or at a BuildKit root named by one of its job directories (the engine's default root
/// lives outside the job, JobBuildkitPaths), a loop device backed by a file under them. Found ones are removed, and
/// reported so the test fails: every post step must release what setup acquired.
/// </summary>
internal static class Leftovers
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Finds, removes and describes everything under <paramref name="root"/> still alive, and every mount at a BuildKit
    /// root in <paramref name="rootsDirectory"/> named by a job directory under it.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CleanAsync(string root, string? rootsDirectory = null)
    {
        var found = new List<string>();
        var prefix = root.TrimEnd('/') + "/";
        var roots = rootsDirectory is null ? null : RootsPrefix(root, rootsDirectory);

        foreach (var (pid, commandLine) in Processes().Where(p => p.CommandLine.Contains(prefix, StringComparison.Ordinal)))
        {
            found.Add($"process {pid}: {commandLine}");
            try
            {
                using var process = Process.GetProcessById(pid);
                using var timeout = new CancellationTokenSource(ToolTimeout);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (ArgumentException)
            {
                // It ended meanwhile.
            }
        }

        // Deepest first, so a mount on top of another goes first.
        foreach (var mountPoint in Mounts().Where(m => (m + "/").StartsWith(prefix, StringComparison.Ordinal) || (roots is not null && m.StartsWith(roots, StringComparison.Ordinal))).OrderByDescending(m => m.Length))
        {
            found.Add($"mount {mountPoint}");
            await RunAsync("umount", "-l", mountPoint);
        }

        var loops = await RunAsync("losetup", "--list", "--noheadings", "--raw", "--output", "NAME,BACK-FILE");
        foreach (var line in loops.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && line[(space + 1)..].Trim().Replace("\\x20", " ", StringComparison.Ordinal).StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add($"loop device {line}");
                await RunAsync("losetup", "-d", line[..space]);
            }
        }

        return found;
    }

    /// <summary>
    /// Deletes, and reports, the BuildKit roots named by job directories under <paramref name="root"/> that are still
    /// there: post removes a job's root once it has unmounted it, since one is made for every job ever run.
    /// </summary>
    public static IReadOnlyList<string> RemoveRoots(string root, string rootsDirectory)
    {
        if (!Directory.Exists(rootsDirectory))
        {
            return [];
        }

        var found = new List<string>();
        var prefix = RootsPrefix(root, rootsDirectory);
        foreach (var directory in Directory.GetDirectories(rootsDirectory).Where(d => d.StartsWith(prefix, StringComparison.Ordinal)))
        {
            found.Add($"BuildKit root {directory}");
            Directory.Delete(directory, recursive: true);
        }

        return found;
    }

    // A job directory under root is named, encoded, by a name that starts with root's own encoding and an encoded '/'.
    private static string RootsPrefix(string root, string rootsDirectory) =>
        Path.Combine(rootsDirectory, Infrastructure.Buildkit.JobBuildkitPaths.RootName(root) + "%2F");

    private static IEnumerable<(int Pid, string CommandLine)> Processes()
    {
        var self = Environment.ProcessId;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Length > 0)
            {
                yield return (pid, commandLine);
            }
        }
    }

    // /proc/mounts escapes space, tab, newline and backslash in octal.
    private static IEnumerable<string> Mounts() =>
        File.ReadAllLines("/proc/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 1)
            .Select(fields => fields[1].Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
                .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal));

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(ToolTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {await errors}");
    }
}
