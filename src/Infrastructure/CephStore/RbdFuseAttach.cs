using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// The data path where the kernel has no rbd module: one <c>rbd-fuse -r IMAGE</c> per exposure, mounted at
/// <c>&lt;data-dir&gt;/attach/&lt;expose id&gt;</c>, shows the image as one file, and a loop device over that file is the
/// block device handed out. rbd-fuse runs detached (its own session), so an exposure outlives a restart of the agent;
/// its mount point names it afterwards, and the loop device is found by its backing file, never by a number
/// remembered from before (another process may take a freed loop device within milliseconds).
/// </summary>
internal sealed class RbdFuseAttach(CephStoreOptions options, CephCli cli, ProcessRunner runner, TimeProvider machine, ILogger logger) : IBlockAttach
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(15);

    private readonly LoopDevices _loops = new(runner, Privilege.Current, TimeSpan.FromMinutes(1));

    public string Name => "rbd-fuse";

    private string Root => Path.Combine(options.DataDirectory, "attach");

    public async Task<string> AttachAsync(string image, string exposeId, string operation, CancellationToken cancellationToken)
    {
        var mountPoint = Path.Combine(Root, exposeId);
        var file = Path.Combine(mountPoint, image);
        ReapExited();
        if (LoopDevices.List().FirstOrDefault(d => d.BackingFile == file) is { } attached)
        {
            return attached.Path;
        }

        if (!await IsMountPointAsync(mountPoint, cancellationToken))
        {
            Directory.CreateDirectory(mountPoint);
            var arguments = new List<string>(cli.ClientArguments(boundRequests: false));
            arguments.AddRange(["-p", options.Pool]);
            if (options.Namespace is { } ns)
            {
                arguments.AddRange(["-s", ns]);
            }

            arguments.AddRange(["-r", image, mountPoint, "-f"]);
            var program = Privilege.Require("rbd-fuse");
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PATH"] = ExecutableResolver.CurrentSearchPath,
                ["LC_ALL"] = "C",
            };
            var process = DetachedProcess.Spawn(program, arguments, environment, LogFile(exposeId));
            var started = machine.GetTimestamp();
            while (!File.Exists(file))
            {
                if (!ProcessLifetime.IsRunning(process))
                {
                    throw new ExternalCallException(operation, ExternalErrorKind.Unavailable, $"rbd-fuse exited before it showed {image}: {Tail(LogFile(exposeId))}");
                }

                if (machine.GetElapsedTime(started) > options.CallTimeout + TimeSpan.FromSeconds(5))
                {
                    throw new ExternalCallException(operation, ExternalErrorKind.Unavailable, $"rbd-fuse did not show {image} within {options.CallTimeout.TotalSeconds + 5:0} s: {Tail(LogFile(exposeId))}");
                }

                await Task.Delay(Poll, machine, cancellationToken);
            }
        }

        return await _loops.AttachAsync(file, operation, cancellationToken);
    }

    public async Task<string?> MountedAtAsync(string image, string exposeId, CancellationToken cancellationToken) =>
        (await LoopDevices.MountedAtAsync(Path.Combine(Root, exposeId, image), cancellationToken))?.Where;

    public async Task DetachAsync(string image, string exposeId, bool forCommit, string operation, CancellationToken cancellationToken)
    {
        var mountPoint = Path.Combine(Root, exposeId);
        await _loops.DetachAllAsync(Path.Combine(mountPoint, image), refuseIfMounted: forCommit, operation, cancellationToken);
        var fuse = FuseProcesses(mountPoint);
        if (await IsMountPointAsync(mountPoint, cancellationToken))
        {
            // As root a FUSE mount, even one whose rbd-fuse died, goes with a plain umount (fusermount is not installed).
            var outcome = await runner.RunAsync(new ProcessCommand("umount", [mountPoint]) { Timeout = TimeSpan.FromMinutes(1), OutputLevel = LogLevel.Debug }, cancellationToken);
            outcome.EnsureSucceeded(operation);
        }

        // rbd-fuse closes the image (flushing it, and dropping its watch and lock) as it exits after the unmount.
        var started = machine.GetTimestamp();
        foreach (var process in fuse)
        {
            var pid = process.Pid;
            while (ProcessLifetime.IsRunning(process))
            {
                if (machine.GetElapsedTime(started) > ExitWait)
                {
                    throw new ExternalCallException(operation, ExternalErrorKind.Unavailable, $"rbd-fuse (pid {pid}) of {image} did not exit within {ExitWait.TotalSeconds:0} s of its unmount");
                }

                await Task.Delay(Poll, machine, cancellationToken);
            }
        }

        TryDelete(() => Directory.Delete(mountPoint));
        TryDelete(() => File.Delete(LogFile(exposeId)));
        ReapExited();
    }

    public async Task<IReadOnlyList<(string ExposeId, string Image)>> AttachedAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var mounts = await MountInfo.ReadAsync(MountInfo.SelfPath, cancellationToken);
        var found = new List<(string, string)>();
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var exposeId = Path.GetFileName(directory);
            var prefix = directory + "/";
            var image = LoopDevices.List().Select(d => d.BackingFile).FirstOrDefault(b => b.StartsWith(prefix, StringComparison.Ordinal)) is { } backing
                ? Path.GetFileName(backing)
                : string.Empty;
            if (image.Length > 0 || mounts.Any(m => m.MountPoint == directory))
            {
                found.Add((exposeId, image));
            }
            else
            {
                TryDelete(() => Directory.Delete(directory));
            }
        }

        return found;
    }

    private static async Task<bool> IsMountPointAsync(string path, CancellationToken cancellationToken) =>
        (await MountInfo.ReadAsync(MountInfo.SelfPath, cancellationToken)).Any(m => m.MountPoint == path);

    // Found by their command line: after a restart of the agent nothing else names them.
    private static List<SpawnedProcess> FuseProcesses(string mountPoint)
    {
        var found = new List<SpawnedProcess>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid)
                && ProcessTree.CommandLine(pid) is { Count: > 0 } argv
                && Path.GetFileName(argv[0]) == "rbd-fuse"
                && argv.Contains(mountPoint)
                && ProcStat.TryRead(pid) is { } stat)
            {
                found.Add(new SpawnedProcess(pid, stat.StartTimeTicks));
            }
        }

        return found;
    }

    /// <summary>
    /// Reaps the rbd-fuse processes this agent started that have ended (a crashed client's among them): the agent
    /// lives long, and an exited child stays a zombie until its parent waits for it.
    /// </summary>
    private static void ReapExited()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid)
                && ProcStat.TryRead(pid) is { HasExited: true, Command: "rbd-fuse" } stat
                && stat.ParentPid == Environment.ProcessId)
            {
                _ = ProcessLifetime.IsRunning(new SpawnedProcess(pid, stat.StartTimeTicks));
            }
        }
    }

    private string LogFile(string exposeId) => Path.Combine(Root, exposeId + ".log");

    private static string Tail(string file)
    {
        try
        {
            return File.ReadLines(file).LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no output)";
        }
        catch (IOException)
        {
            return "(no output)";
        }
    }

    private void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CephStoreLog.CleanupFailed(logger, "an attachment's directory", ex.Message);
        }
    }
}
