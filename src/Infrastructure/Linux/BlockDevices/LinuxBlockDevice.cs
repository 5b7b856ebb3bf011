using System.Globalization;
using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// The sticky disk as a Linux block device: e2fsprogs and util-linux commands for what needs root (each prefixed with
/// <c>sudo -n</c> when the host is not root, ADR 0003), and the kernel's own files and calls for what does not (the
/// device size from sysfs, the mount table from <c>/proc/self/mountinfo</c>, usage from <c>statvfs</c>). Each method
/// is one attempt of one command with a timeout; waiting and retrying are the steps' business.
/// </summary>
/// <remarks>Linux on 64-bit architectures only, as the sticky disk is.</remarks>
public sealed class LinuxBlockDevice : IBlockDevice
{
    /// <summary>
    /// The flags setup-docker-builder formats with: no reserved blocks (a cache, not a root filesystem), no discard
    /// pass over a fresh device, and inode tables and journal left for later so that formatting takes seconds. Plus
    /// <c>-q</c>: mkfs's progress counters draw with backspaces, and its summary says nothing a job log needs; errors
    /// still print.
    /// </summary>
    internal static readonly string[] FormatOptions = ["-q", "-m0", "-Enodiscard,lazy_itable_init=1,lazy_journal_init=1", "-F"];

    /// <summary>
    /// <c>noinit_itable</c> stops the kernel from zeroing the inode tables that <c>lazy_itable_init</c> left
    /// unwritten: in the background of every build that would write the whole disk, and make every commit of the
    /// sticky disk as large as the disk.
    /// </summary>
    internal const string MountOptions = "noinit_itable";

    private const string SysDeviceBlock = "/sys/dev/block";
    private const int SectorSize = 512;
    private const int BlkidNothingFound = 2;
    private const int BlkidAmbivalent = 8;
    private const int TailChars = 500;

    private static readonly Dictionary<string, string> CLocale = new(StringComparer.Ordinal) { ["LC_ALL"] = "C" };

    private readonly ProcessRunner _runner;
    private readonly Privilege _privilege;
    private readonly BlockDeviceTimeouts _timeouts;
    private readonly string _searchPath;
    private readonly string _mountInfoPath;

    /// <param name="runner">Runs each command (argument vector, timeout, recorded outcome).</param>
    /// <param name="privilege">Whether this host is root; when not, every command goes through <c>sudo -n</c>.</param>
    /// <param name="timeouts">How long each command may run.</param>
    /// <param name="searchPath">
    /// Where to find the tools; when null, this process's PATH followed by the sbin directories, where e2fsprogs and
    /// util-linux install them and which a non-root user's PATH often lacks.
    /// </param>
    public LinuxBlockDevice(ProcessRunner runner, Privilege privilege, BlockDeviceTimeouts timeouts, string? searchPath = null)
        : this(runner, privilege, timeouts, searchPath, MountInfo.SelfPath)
    {
    }

    internal LinuxBlockDevice(ProcessRunner runner, Privilege privilege, BlockDeviceTimeouts timeouts, string? searchPath, string mountInfoPath)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(privilege);
        ArgumentNullException.ThrowIfNull(timeouts);
        _runner = runner;
        _privilege = privilege;
        _timeouts = timeouts;
        _searchPath = searchPath ?? WithSbin(ExecutableResolver.CurrentSearchPath);
        _mountInfoPath = mountInfoPath;
    }

    /// <summary>
    /// A directory whose subdirectories are jobs' own BuildKit roots, one per job directory (<c>JobBuildkitPaths</c>),
    /// so one more for every job the machine ever ran: a mount point directly in it is removed once it is unmounted
    /// (only when empty, and best effort), and the next setup of that job creates it again. Null leaves every mount
    /// point in place, as a fixed root such as <c>/var/lib/buildkit</c> should stay.
    /// </summary>
    public string? JobRootsDirectory { get; init; }

    /// <summary>
    /// Reads <c>/sys/dev/block/&lt;major&gt;:&lt;minor&gt;/size</c> of the device node rather than running
    /// <c>blockdev --getsize64</c>: the step polls this every 100 ms while a hot-plugged device attaches, and sysfs
    /// answers without a process, without opening the device and so without root (no <c>sudo</c> per poll). The
    /// file counts 512-byte sectors whatever the device's logical block size. A path that does not exist yet, or a
    /// node whose device is gone, is a device not attached yet: 0.
    /// </summary>
    public async Task<long> GetSizeAsync(string device, CancellationToken cancellationToken)
    {
        const string operation = "device.size";
        cancellationToken.ThrowIfCancellationRequested();
        if (Libc.Statx(Libc.AtCurrentDirectory, device, 0, Libc.StatxType, out var status) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Libc.NoSuchFile
                ? 0
                : throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"could not stat {device}: {Libc.Describe(errno)}");
        }

        if ((status.Mask & Libc.StatxType) == 0 || (status.Mode & Libc.FileTypeMask) != Libc.BlockDeviceType)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{device} is not a block device");
        }

        var sizeFile = $"{SysDeviceBlock}/{status.DeviceMajor}:{status.DeviceMinor}/size";
        string text;
        try
        {
            text = await File.ReadAllTextAsync(sizeFile, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"could not read the size of {device} from {sizeFile}: {ex.Message}", ex);
        }

        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sectors) && sectors <= long.MaxValue / SectorSize
            ? sectors * SectorSize
            : throw new ExternalCallException(operation, ExternalErrorKind.BadReply, $"{sizeFile} does not hold a sector count: '{text.Trim()}'");
    }

    /// <summary>
    /// <c>blkid -p -o export</c>: like setup-docker-builder's <c>blkid -o value -s TYPE</c>, but probing the device
    /// itself (<c>-p</c>) instead of trusting blkid's cache, which can still describe what a device held before it
    /// was reused, and reading every key so that a partition table, which has no <c>TYPE</c>, is not mistaken for a
    /// blank device and formatted over. Nothing found is null; conflicting signatures are an error, never "blank".
    /// </summary>
    public async Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken)
    {
        const string operation = "device.detect";
        var command = Privileged("blkid", "-p", "-o", "export", device) with { OutputLevel = LogLevel.Debug };
        var result = await RunAsync(operation, command, _timeouts.Probe, cancellationToken);
        switch (result.ExitCode)
        {
            case 0:
                break;
            case BlkidNothingFound when !Path.Exists(device):
                // blkid says "nothing found" for a missing device too; that must not read as a blank disk.
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{device} does not exist");
            case BlkidNothingFound:
                return null;
            case BlkidAmbivalent:
                throw Failure(operation, ExternalErrorKind.Failed, $"{device} carries several conflicting signatures; it is neither blank nor clearly ext4", command, result);
            default:
                throw Failure(operation, ExternalErrorKind.Failed, $"could not probe {device}", command, result);
        }

        var keys = ParseExport(result.StandardOutput);
        if (keys.TryGetValue("TYPE", out var type) && type.Length > 0)
        {
            return type;
        }

        if (keys.TryGetValue("PTTYPE", out var partitionTable) && partitionTable.Length > 0)
        {
            return $"{partitionTable} partition table";
        }

        throw new ExternalCallException(
            operation,
            ExternalErrorKind.BadReply,
            $"{Display(command)} found something on {device} but named neither a filesystem nor a partition table: {Tail(result.StandardOutput)}");
    }

    /// <summary>
    /// <c>resize2fs -f</c>, as setup-docker-builder runs it: without <c>-f</c>, resize2fs refuses a filesystem that
    /// was mounted since its last full check, which every sticky disk was.
    /// </summary>
    public async Task GrowFilesystemAsync(string device, CancellationToken cancellationToken)
    {
        const string operation = "device.grow";
        var command = Privileged("resize2fs", "-f", device);
        await RunOrThrowAsync(operation, command, _timeouts.Grow, $"could not grow the filesystem on {device}", cancellationToken);
    }

    /// <summary>
    /// <c>mkfs.ext4</c> with <see cref="FormatOptions"/>; <c>-F</c> also keeps it from asking whether to proceed. A device
    /// that is in use is refused first: mounted anywhere this process can see (<c>/proc/self/mountinfo</c>, by device
    /// number, so under any name), or held by another block device (<c>/sys/dev/block/…/holders</c>: device-mapper, md).
    /// mkfs's own check stays behind it, and a single <c>-F</c> does not override it: it refuses a device that is mounted
    /// or that another process holds open exclusively, in any mount namespace.
    /// </summary>
    public async Task FormatAsync(string device, CancellationToken cancellationToken)
    {
        const string operation = "device.format";
        if (await FindUseAsync(device, cancellationToken) is { } use)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{device} is in use ({use}); it was not formatted");
        }

        var command = Privileged("mkfs.ext4", [.. FormatOptions, device]);
        var result = await RunAsync(operation, command, _timeouts.Format, cancellationToken);
        if (result.ExitCode == 0)
        {
            return;
        }

        // mke2fs: "<dev> is mounted; will not make a filesystem here!", "<dev> is apparently in use by the system; …".
        var error = result.StandardErrorTail;
        throw error.Contains("is mounted;", StringComparison.Ordinal) || error.Contains("apparently in use", StringComparison.Ordinal)
            ? Failure(operation, ExternalErrorKind.Failed, $"{device} is in use; it was not formatted", command, result)
            : Failure(operation, ExternalErrorKind.Failed, $"could not format {device} as ext4", command, result);
    }

    /// <summary>
    /// What uses <paramref name="device"/>, if anything this process can see: a mount of it (by device number) or a block
    /// device built on it. Null when nothing does, or when the device's number cannot be read (mkfs then judges).
    /// </summary>
    private async Task<string?> FindUseAsync(string device, CancellationToken cancellationToken)
    {
        if (Libc.Statx(Libc.AtCurrentDirectory, device, 0, Libc.StatxType, out var status) != 0
            || (status.Mode & Libc.FileTypeMask) != Libc.BlockDeviceType)
        {
            return null;
        }

        var mounts = (await ReadMountsAsync("device.format", cancellationToken))
            .Where(m => m.Major == status.DeviceMajor && m.Minor == status.DeviceMinor)
            .Select(m => m.MountPoint)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (mounts.Count > 0)
        {
            return $"mounted at {string.Join(", ", mounts)}";
        }

        var holders = $"{SysDeviceBlock}/{status.DeviceMajor}:{status.DeviceMinor}/holders";
        try
        {
            var held = Directory.Exists(holders) ? Directory.GetFileSystemEntries(holders).Select(Path.GetFileName).ToList() : [];
            return held.Count > 0 ? $"held by {string.Join(", ", held)}" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>mkdir -p</c> when the mount point is missing (it usually lives under root-owned <c>/var/lib</c>), then
    /// <c>mount -t ext4 -o noinit_itable</c>. The type is given so that mount never probes for, and mounts, some other
    /// filesystem than the one the step decided on.
    /// </summary>
    public async Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken)
    {
        const string operation = "device.mount";
        if (!Directory.Exists(mountPoint))
        {
            var mkdir = Privileged("mkdir", "-p", mountPoint) with { OutputLevel = LogLevel.Debug };
            await RunOrThrowAsync(operation, mkdir, _timeouts.Probe, $"could not create the mount point {mountPoint}", cancellationToken);
        }

        var command = Privileged("mount", "-t", "ext4", "-o", MountOptions, device, mountPoint);
        var result = await RunAsync(operation, command, _timeouts.Mount, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure(operation, IsCorrupt(result.StandardErrorTail) ? ExternalErrorKind.Corrupt : ExternalErrorKind.Failed,
                $"could not mount {device} at {mountPoint}", command, result);
        }
    }

    /// <summary>
    /// Whether mount failed because the filesystem is damaged, as util-linux words the kernel's answer: EFSCORRUPTED
    /// ("Structure needs cleaning"), EFSBADCRC ("Bad message", a checksum that does not match) and EINVAL ("wrong fs type,
    /// bad option, bad superblock", which with <c>-t ext4</c> after a probe found ext4 and options every ext4 kernel knows
    /// can only be the superblock). Never a busy device ("already mounted or mount point busy"), a permission error or a
    /// device that cannot be read ("can't read superblock" is EIO): formatting would fix none of them.
    /// </summary>
    internal static bool IsCorrupt(string mountError) =>
        mountError.Contains("Structure needs cleaning", StringComparison.Ordinal)
        || mountError.Contains("Bad message", StringComparison.Ordinal)
        || mountError.Contains("bad superblock", StringComparison.Ordinal);

    public async Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        MountInfo.IsMountPoint(await ReadMountsAsync("device.mounted", cancellationToken), Canonical(mountPoint));

    /// <summary>The source of the topmost mount at <paramref name="mountPoint"/> (mounts can be stacked), from mountinfo.</summary>
    public async Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) =>
        MountInfo.SourceAt(await ReadMountsAsync("device.mountSource", cancellationToken), Canonical(mountPoint));

    /// <summary>
    /// <c>sync -f</c>, which is <c>syncfs(2)</c> on the filesystem holding the path: only the cache's dirty pages, not
    /// every filesystem's as setup-docker-builder's plain <c>sync</c> does. Run privileged because the BuildKit root
    /// may be readable by root only, and sync must open it.
    /// </summary>
    public async Task SyncAsync(string mountPoint, CancellationToken cancellationToken)
    {
        const string operation = "device.sync";
        var command = Privileged("sync", "-f", mountPoint);
        await RunOrThrowAsync(operation, command, _timeouts.Sync, $"could not flush the filesystem at {mountPoint}", cancellationToken);
    }

    /// <summary>
    /// <c>statvfs(2)</c>, as <c>df</c> computes it: used is all blocks less free blocks (the root reserve counts as free,
    /// and the sticky disk has none), in units of <c>f_frsize</c>. A path with nothing mounted on it is refused, since
    /// statvfs would describe the filesystem underneath instead of the cache.
    /// </summary>
    public async Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken)
    {
        const string operation = "device.measure";
        if (!MountInfo.IsMountPoint(await ReadMountsAsync(operation, cancellationToken), Canonical(mountPoint)))
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"nothing is mounted at {mountPoint}");
        }

        StatvfsBuffer usage;
        while (Libc.Statvfs(mountPoint, out usage) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.Interrupted)
            {
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"statvfs({mountPoint}) failed: {Libc.Describe(errno)}");
            }
        }

        var used = (usage.Blocks - usage.FreeBlocks) * usage.FragmentSize;
        var size = usage.Blocks * usage.FragmentSize;
        return new FilesystemUsage(checked((long)used), checked((long)size));
    }

    /// <summary>
    /// <c>umount</c>. A busy mount (a process still has a file or its working directory there) is
    /// <see cref="ExternalErrorKind.Unavailable"/>, which the step retries; a path with nothing mounted is a plain failure.
    /// </summary>
    public async Task UnmountAsync(string mountPoint, CancellationToken cancellationToken)
    {
        const string operation = "device.unmount";
        var command = Privileged("umount", mountPoint);
        var result = await RunAsync(operation, command, _timeouts.Unmount, cancellationToken);
        if (result.ExitCode == 0)
        {
            await RemoveJobRootAsync(mountPoint);
            return;
        }

        // util-linux says "target is busy" (older releases "device is busy"), "not mounted", or, for a path that
        // does not exist, "no mount point specified"; the runner sets the C locale so these are the words to expect.
        var error = result.StandardErrorTail;
        if (error.Contains("busy", StringComparison.OrdinalIgnoreCase))
        {
            throw Failure(operation, ExternalErrorKind.Unavailable, $"{mountPoint} is busy: a process still has a file or its working directory there", command, result);
        }

        if (error.Contains("not mounted", StringComparison.OrdinalIgnoreCase) || error.Contains("no mount point specified", StringComparison.OrdinalIgnoreCase))
        {
            throw Failure(operation, ExternalErrorKind.Failed, $"nothing is mounted at {mountPoint}", command, result);
        }

        throw Failure(operation, ExternalErrorKind.Failed, $"could not unmount {mountPoint}", command, result);
    }

    /// <summary>
    /// <c>rmdir</c> of an unmounted job root (see <see cref="JobRootsDirectory"/>). Not cancellable and never a failure:
    /// the unmount it follows has happened, and a directory left behind costs an inode.
    /// </summary>
    private async Task RemoveJobRootAsync(string mountPoint)
    {
        if (JobRootsDirectory is null
            || Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint))) != Path.TrimEndingDirectorySeparator(Path.GetFullPath(JobRootsDirectory)))
        {
            return;
        }

        try
        {
            _ = await RunAsync("device.unmount", Privileged("rmdir", "--", mountPoint) with { OutputLevel = LogLevel.Debug }, _timeouts.Probe, CancellationToken.None);
        }
        catch (ExternalCallException)
        {
            // Left in place: the next setup of this job mounts over it as it is.
        }
    }

    /// <summary><c>blockdev --flushbufs</c>: writes back and drops the device's buffer cache after the unmount.</summary>
    public async Task FlushAsync(string device, CancellationToken cancellationToken)
    {
        const string operation = "device.flush";
        var command = Privileged("blockdev", "--flushbufs", device);
        await RunOrThrowAsync(operation, command, _timeouts.Flush, $"could not flush the buffers of {device}", cancellationToken);
    }

    /// <summary>The path the kernel lists a mount under: absolute, symbolic links resolved, no trailing slash.</summary>
    internal static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        var resolved = Libc.RealPath(full, 0);
        if (resolved == 0)
        {
            // Missing (so certainly not mounted) or not searchable: compare the path as given.
            return full.Length > 1 ? full.TrimEnd('/') : full;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? full;
        }
        finally
        {
            Libc.Free(resolved);
        }
    }

    private static Dictionary<string, string> ParseExport(string output)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                keys[line[..equals]] = line[(equals + 1)..];
            }
        }

        return keys;
    }

    private static ExternalCallException Failure(string operation, ExternalErrorKind kind, string what, Command command, ProcessOutcome result) =>
        new(operation, kind, $"{what}: {Display(command)} exited with {result.ExitCode}: {Tail(result.StandardErrorTail)}");

    /// <summary>
    /// The end of a tool's output, lines joined: where tools put the reason, short enough for a journal entry. Cut by
    /// characters rather than lines because some reasons span several lines (mkfs's "Device size reported to be zero").
    /// </summary>
    private static string Tail(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return "(no output)";
        }

        var tail = string.Join(" | ", lines);
        return tail.Length <= TailChars ? tail : "…" + tail[^TailChars..];
    }

    /// <summary>The command as a reader would type it: the tool by name, with the <c>sudo -n</c> it runs under.</summary>
    private static string Display(Command command) =>
        "`" + string.Join(' ', [.. command.Elevated ? ["sudo", "-n"] : Array.Empty<string>(), command.Tool, .. command.Arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)]) + "`";

    private static string WithSbin(string searchPath)
    {
        var directories = searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var sbin in (string[])["/usr/local/sbin", "/usr/sbin", "/sbin"])
        {
            if (!directories.Contains(sbin, StringComparer.Ordinal))
            {
                directories.Add(sbin);
            }
        }

        return string.Join(':', directories);
    }

    private Command Privileged(string tool, params string[] arguments) => new(tool, arguments, Elevated: !_privilege.IsRoot);

    /// <summary>Runs <paramref name="command"/> and turns a non-zero exit into a failure saying <paramref name="what"/> could not be done.</summary>
    private async Task RunOrThrowAsync(string operation, Command command, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync(operation, command, timeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure(operation, ExternalErrorKind.Failed, what, command, result);
        }
    }

    /// <summary>
    /// One run through the shared <see cref="ProcessRunner"/>, in the C locale so that the messages read here are the
    /// English ones. A non-zero exit comes back as an outcome for the caller to read; a missing tool, a timeout and
    /// sudo's own refusals are failures of <paramref name="operation"/>. Cancellation stays cancellation.
    /// </summary>
    private async Task<ProcessOutcome> RunAsync(string operation, Command command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Resolved here, rather than left to the runner, so that a missing tool or sudo is named as this adapter names it.
        if (ExecutableResolver.Resolve(command.Tool, _searchPath) is null)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Missing, $"{command.Tool} is not installed (not found on {_searchPath})");
        }

        if (command.Elevated && ExecutableResolver.Resolve("sudo", _searchPath) is null)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Missing, $"sudo is not installed, and {command.Tool} needs root, which this process ({Environment.UserName}) is not");
        }

        ProcessOutcome result;
        try
        {
            var run = _privilege.Elevate(new ProcessCommand(command.Tool, command.Arguments)
            {
                SearchPath = _searchPath,
                Timeout = timeout,
                Environment = CLocale,
                OutputLevel = command.OutputLevel,
            });
            result = await _runner.RunAsync(run, cancellationToken);
        }
        catch (ExternalCallException ex) when (ex.Operation != operation)
        {
            // The runner names the tool; the step needs the operation.
            throw new ExternalCallException(operation, ex.Kind, ex.Message, ex);
        }

        if (result.TimedOut)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Timeout, $"{Display(command)} did not finish within {timeout.TotalSeconds:0.#} s and was killed");
        }

        if (result.ExitCode != 0 && command.Elevated)
        {
            // sudo's own failures, told apart from the tool's by sudo's "sudo: " prefix.
            var error = result.StandardErrorTail;
            if (error.Contains("sudo: a password is required", StringComparison.Ordinal)
                || error.Contains("sudo: a terminal is required", StringComparison.Ordinal))
            {
                throw Failure(operation, ExternalErrorKind.Failed, $"{command.Tool} needs root, and sudo -n found no passwordless rule for {Environment.UserName}", command, result);
            }

            if (error.Contains("sudo: ", StringComparison.Ordinal) && error.Contains("command not found", StringComparison.Ordinal))
            {
                throw Failure(operation, ExternalErrorKind.Missing, $"{command.Tool} is not installed (sudo could not run it)", command, result);
            }
        }

        return result;
    }

    private async Task<IReadOnlyList<MountInfoEntry>> ReadMountsAsync(string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await MountInfo.ReadAsync(_mountInfoPath, cancellationToken);
        }
        catch (FormatException ex)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.BadReply, $"{_mountInfoPath} could not be read as a mount table: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"could not read {_mountInfoPath}: {ex.Message}", ex);
        }
    }

    /// <summary>What runs: <paramref name="Tool"/> by name, through <c>sudo -n</c> when <paramref name="Elevated"/>.</summary>
    private sealed record Command(string Tool, IReadOnlyList<string> Arguments, bool Elevated)
    {
        /// <summary>Probes print what the adapter parses; the log needs that only when debugging.</summary>
        public LogLevel OutputLevel { get; init; } = LogLevel.Information;
    }
}
