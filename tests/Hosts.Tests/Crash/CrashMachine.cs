using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// One CI machine of the kill-point tests, in a temporary directory of its own: the local store's data directory and the
/// claims directory its jobs share, the doubles' shims, a workspace with a Dockerfile, and each job's directory, BuildKit
/// root and loopback address (<see cref="Job"/>). <see cref="Look"/> reads what the machine holds from the kernel and the
/// files; disposing it removes whatever is still there, by pid, by mount point and by loop backing file, and deletes
/// the directory, so that a red test never leaves the machine dirty.
/// </summary>
internal sealed class CrashMachine : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory;

    private CrashMachine(DirectoryInfo directory)
    {
        _directory = directory;
        // The kernel names a loop device's backing file by its resolved path; ours must compare equal.
        Root = RealPath(directory.FullName);
        ProcessDoubles.WriteShims(Shims);
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Logs);
        File.WriteAllText(Path.Combine(Workspace, "Dockerfile"), "FROM alpine\nRUN echo built\n");
    }

    /// <summary>Everything of this machine is under here (canonical).</summary>
    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public string ClaimsDirectory => Path.Combine(Root, "claims");

    public string Shims => Path.Combine(Root, "bin");

    public string Workspace => Path.Combine(Root, "workspace");

    public string Logs => Path.Combine(Root, "logs");

    public static CrashMachine Create() => new(Directory.CreateTempSubdirectory("blacksmith-kill-"));

    /// <summary>Job <paramref name="number"/> of this machine: its own job directory, BuildKit root and daemon address.</summary>
    public CrashJob Job(int number) => new(this, number, $"tcp://127.0.0.1:{FreeLoopbackPort()}");

    /// <summary>What the machine holds now. Reads only: it runs no recovery and changes no file.</summary>
    public MachineState Look()
    {
        var prefix = Root + "/";
        return new MachineState(
            [.. Processes().Where(p => p.CommandLine.Contains(prefix, StringComparison.Ordinal))],
            [.. Mounts().Where(m => (m + "/").StartsWith(prefix, StringComparison.Ordinal))],
            [.. LoopDevices().Where(l => l.BackingFile.StartsWith(prefix, StringComparison.Ordinal))],
            [.. StoreRecords()],
            [.. new JobClaims(ClaimsDirectory).ReadAll().Select(s => s.Claim).OfType<Orchestration.Claims.JobClaim>()]);
    }

    /// <summary>
    /// Waits, up to <paramref name="deadline"/>, for the loop devices of this machine whose detach the kernel deferred to
    /// go: <c>losetup --detach</c> of a device something else still holds open (a copy of its mount in another process's
    /// mount namespace, made by an unrelated <c>unshare -m</c> on a shared machine) only marks it to be detached at the
    /// last close (autoclear). Returns the devices that were deferred.
    /// </summary>
    public async Task<IReadOnlyList<string>> AwaitDeferredDetachesAsync(TimeSpan deadline)
    {
        var prefix = Root + "/";
        var deferred = new HashSet<string>(StringComparer.Ordinal);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var pending = LoopDevices()
                .Where(l => l.BackingFile.StartsWith(prefix, StringComparison.Ordinal) && IsAutoclear(l.Device))
                .Select(l => l.Device)
                .ToList();
            deferred.UnionWith(pending);
            if (pending.Count == 0 || waited.Elapsed > deadline)
            {
                return [.. deferred];
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary><c>blacksmith store ls --json</c> of this machine's store.</summary>
    public async Task<JsonElement> StoreListingAsync()
    {
        var listing = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "ls", "--data-dir", DataDirectory, "--json"]);
        if (listing.ExitCode != 0)
        {
            throw new InvalidOperationException($"blacksmith store ls failed: {listing}");
        }

        using var document = JsonDocument.Parse(listing.Output);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Removes what is left: processes by pid, mounts by mount point (deepest first), loop devices by backing file.
    /// Returns what it removed, which a passing run never has.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveLeftoversAsync()
    {
        var state = Look();
        var removed = new List<string>();
        foreach (var (pid, commandLine) in state.Processes)
        {
            removed.Add($"process {pid}: {commandLine}");
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(ToolTimeout);
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (ArgumentException)
            {
                // It ended meanwhile.
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }

        foreach (var mountPoint in state.Mounts.OrderByDescending(m => m.Length))
        {
            removed.Add($"mount {mountPoint}");
            if (await RunAsync("umount", mountPoint) != 0)
            {
                // Something still holds it: detach it lazily rather than leave it (the test has failed anyway).
                await RunAsync("umount", "-l", mountPoint);
            }
        }

        foreach (var (device, backing) in state.LoopDevices)
        {
            removed.Add($"loop device {device} ({backing})");
            await RunAsync("losetup", "-d", device);
        }

        return removed;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RemoveLeftoversAsync();
        }
        finally
        {
            _directory.Delete(recursive: true);
        }
    }

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
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Length > 0)
            {
                yield return (pid, commandLine);
            }
        }
    }

    // mountinfo escapes space, tab, newline and backslash in octal; the mount point is the fifth field.
    private static IEnumerable<string> Mounts() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4)
            .Select(fields => fields[4].Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
                .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal));

    private static IEnumerable<(string Device, string BackingFile)> LoopDevices()
    {
        foreach (var device in Directory.EnumerateDirectories("/sys/block", "loop*"))
        {
            string backing;
            try
            {
                backing = File.ReadAllText(Path.Combine(device, "loop", "backing_file")).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not attached.
                continue;
            }

            yield return ("/dev/" + Path.GetFileName(device), backing);
        }
    }

    private static bool IsAutoclear(string device)
    {
        try
        {
            return File.ReadAllText(Path.Combine("/sys/block", Path.GetFileName(device), "loop", "autoclear")).Trim() == "1";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private IEnumerable<(string ExposeId, string State, string? Holder)> StoreRecords()
    {
        var exposures = Path.Combine(DataDirectory, "exposures");
        if (!Directory.Exists(exposures))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(exposures, "*.json"))
        {
            yield return ReadRecord(file);
        }
    }

    private static (string ExposeId, string State, string? Holder) ReadRecord(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var record = document.RootElement;
            return (
                record.GetProperty("exposeId").GetString()!,
                record.GetProperty("state").GetString()!,
                record.TryGetProperty("holder", out var holder) ? holder.GetString() : null);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            // Renamed or replaced meanwhile, or torn: the store's to recover, and shown as such.
            return (Path.GetFileNameWithoutExtension(file), "unreadable", null);
        }
    }

    private static string RealPath(string path)
    {
        using var realpath = Process.Start(new ProcessStartInfo("realpath", ["-e", path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var resolved = realpath.StandardOutput.ReadToEnd().Trim();
        BoundedWait.ForExit(realpath, $"realpath -e {path} to exit");
        return realpath.ExitCode == 0 && resolved.Length > 0 ? resolved : throw new InvalidOperationException($"realpath -e {path} failed");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<int> RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(ToolTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(output, errors);
        return process.ExitCode;
    }
}
