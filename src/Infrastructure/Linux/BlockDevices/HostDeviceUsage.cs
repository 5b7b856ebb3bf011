using System.Globalization;
using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// Whether anything on this host uses a device, from the kernel's own tables and without running a tool: a mount of it
/// in any mount namespace that has a process (<c>/proc/PID/mountinfo</c>, matched by the device's major:minor, so a
/// container's mount counts as much as the host's), a device stacked on it (<c>/sys/dev/block/M:m/holders</c>), and a
/// file descriptor open on it in any process (<c>/proc/PID/fd</c>, each link followed to its inode, so the name the
/// process used does not matter). For a directory (a directory-mode store), what counts is a descriptor, working
/// directory or root inside it, and a mount inside it or of it elsewhere (a bind mount).
/// </summary>
/// <remarks>
/// What cannot be read (another user's processes when not root) is an answer that keeps the device, never a guess that
/// it is unused. A process that exits while it is being read is simply gone.
/// </remarks>
public sealed class HostDeviceUsage : IDeviceUsage
{
    private const string Proc = "/proc";
    private const string SysDevBlock = "/sys/dev/block";
    private const ushort DirectoryType = 0x4000;

    public async Task<string?> FindUseAsync(string device, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(device))
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return "whether a device is in use can only be told on Linux";
        }

        if (Libc.Statx(Libc.AtCurrentDirectory, device, 0, Libc.StatxType, out var status) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Libc.NoSuchFile ? null : $"cannot tell: could not stat {device}: {Libc.Describe(errno)}";
        }

        var type = status.Mode & Libc.FileTypeMask;
        try
        {
            if (type == Libc.BlockDeviceType)
            {
                return await FindBlockUseAsync(status.DeviceMajor, status.DeviceMinor, cancellationToken);
            }

            if (type == DirectoryType)
            {
                return await FindDirectoryUseAsync(LinuxBlockDevice.Canonical(device), cancellationToken);
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"cannot tell: {ex.Message} (only root can see every process)";
        }

        return $"cannot tell: {device} is neither a block device nor a directory";
    }

    private static async Task<string?> FindBlockUseAsync(uint major, uint minor, CancellationToken cancellationToken)
    {
        foreach (var (pid, mounts) in await MountTablesAsync(cancellationToken))
        {
            if (mounts.FirstOrDefault(m => m.Major == major && m.Minor == minor) is { } mount)
            {
                return $"mounted at {mount.MountPoint}{Namespace(pid)}";
            }
        }

        var holders = Path.Combine(SysDevBlock, string.Create(CultureInfo.InvariantCulture, $"{major}:{minor}"), "holders");
        if (Directory.Exists(holders) && Directory.EnumerateFileSystemEntries(holders).FirstOrDefault() is { } holder)
        {
            return $"held by /dev/{Path.GetFileName(holder)}";
        }

        foreach (var (pid, link) in Descriptors(includeDirectories: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Libc.Statx(Libc.AtCurrentDirectory, link, 0, Libc.StatxType, out var open) == 0
                && (open.Mode & Libc.FileTypeMask) == Libc.BlockDeviceType
                && open.DeviceMajor == major && open.DeviceMinor == minor)
            {
                return $"open by pid {pid}{Command(pid)}";
            }
        }

        return null;
    }

    private static async Task<string?> FindDirectoryUseAsync(string directory, CancellationToken cancellationToken)
    {
        var inside = directory.TrimEnd('/') + "/";
        bool Within(string path) => path == directory || path.StartsWith(inside, StringComparison.Ordinal);
        foreach (var (pid, mounts) in await MountTablesAsync(cancellationToken))
        {
            if (mounts.FirstOrDefault(m => Within(m.MountPoint)) is { } within)
            {
                return $"{within.MountPoint} is a mount inside it{Namespace(pid)}";
            }

            // A bind mount shows the subtree it mounts as its root within the filesystem it comes from.
            if (pid == 0 && mounts.Where(m => inside.StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
                    .MaxBy(m => m.MountPoint.Length) is { } host)
            {
                var relative = Path.Join(host.Root, directory[host.MountPoint.TrimEnd('/').Length..]);
                var bound = mounts.FirstOrDefault(m => m != host && m.Major == host.Major && m.Minor == host.Minor
                    && (m.Root == relative || m.Root.StartsWith(relative.TrimEnd('/') + "/", StringComparison.Ordinal)));
                if (bound is not null)
                {
                    return $"bind-mounted at {bound.MountPoint}";
                }
            }
        }

        foreach (var (pid, link) in Descriptors(includeDirectories: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadLink(link) is { } target && Within(target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target[..^10] : target))
            {
                return $"open by pid {pid}{Command(pid)} ({target})";
            }
        }

        return null;
    }

    /// <summary>One mount table per mount namespace that has a process; pid 0 stands for this process's own.</summary>
    private static async Task<List<(int Pid, IReadOnlyList<MountInfoEntry> Mounts)>> MountTablesAsync(CancellationToken cancellationToken)
    {
        var tables = new List<(int, IReadOnlyList<MountInfoEntry>)> { (0, await MountInfo.ReadAsync(MountInfo.SelfPath, cancellationToken)) };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (ReadLink("/proc/self/ns/mnt") is { } own)
        {
            seen.Add(own);
        }

        foreach (var pid in Processes())
        {
            var pidText = pid.ToString(CultureInfo.InvariantCulture);
            if (ReadLink($"{Proc}/{pidText}/ns/mnt") is not { } ns || !seen.Add(ns))
            {
                continue;
            }

            try
            {
                tables.Add((pid, await MountInfo.ReadAsync($"{Proc}/{pidText}/mountinfo", cancellationToken)));
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                // The process exited: so did its namespace, unless another process still has it, which is read then.
                seen.Remove(ns);
            }
        }

        return tables;
    }

    /// <summary>Every open descriptor of every process (with working directories and roots when asked), as its /proc link.</summary>
    private static IEnumerable<(int Pid, string Link)> Descriptors(bool includeDirectories)
    {
        foreach (var pid in Processes())
        {
            var directory = $"{Proc}/{pid.ToString(CultureInfo.InvariantCulture)}";
            List<string> links;
            try
            {
                links = [.. Directory.EnumerateFileSystemEntries($"{directory}/fd")];
            }
            catch (Exception ex) when (ex is DirectoryNotFoundException or IOException)
            {
                continue;
            }

            if (includeDirectories)
            {
                links.Add($"{directory}/cwd");
                links.Add($"{directory}/root");
            }

            foreach (var link in links)
            {
                yield return (pid, link);
            }
        }
    }

    private static IEnumerable<int> Processes()
    {
        foreach (var entry in Directory.EnumerateDirectories(Proc))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Namespace(int pid) =>
        pid == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" in the mount namespace of pid {pid}{Command(pid)}");

    private static string Command(int pid)
    {
        try
        {
            return $" ({File.ReadAllText($"{Proc}/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim()})";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
