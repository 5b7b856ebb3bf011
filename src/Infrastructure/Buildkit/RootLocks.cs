using System.Globalization;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>
/// Who holds buildkitd's <c>&lt;root&gt;/buildkitd.lock</c>, read from the kernel's lock table (<c>/proc/locks</c>)
/// rather than by taking the lock: a probe that locked the file, even for a moment, could make a daemon starting at
/// that moment fail ("another instance running?"), and opening a root-only file would need sudo.
/// </summary>
internal static class RootLocks
{
    public const string LockFileName = "buildkitd.lock";
    public const string ProcLocksPath = "/proc/locks";

    /// <summary>
    /// The pid holding a lock on <paramref name="path"/>: 0 when it is held by a process outside this pid namespace,
    /// null when nobody holds one. Also null when it cannot be told (no such file, a root directory this user cannot
    /// search, an unreadable lock table).
    /// </summary>
    public static int? FindHolder(string path, string procLocks = ProcLocksPath)
    {
        if (Libc.Statx(Libc.AtCurrentDirectory, path, 0, Libc.StatxInode, out var status) != 0 || (status.Mask & Libc.StatxInode) == 0)
        {
            return null;
        }

        string table;
        try
        {
            table = File.ReadAllText(procLocks);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return FindHolder(table, status.FilesystemMajor, status.FilesystemMinor, status.Inode);
    }

    /// <summary>
    /// Reads a lock table: lines like <c>1: FLOCK  ADVISORY  WRITE 4711 fe:00:11657697 0 EOF</c>, where the device is
    /// hex <c>major:minor</c> and the inode decimal. Lines marked <c>-&gt;</c> are waiters, not holders.
    /// </summary>
    public static int? FindHolder(string table, uint major, uint minor, ulong inode)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var line in table.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1] == "->")
            {
                continue;
            }

            var id = fields[5].Split(':');
            if (id.Length == 3
                && uint.TryParse(id[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var lockMajor)
                && uint.TryParse(id[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var lockMinor)
                && ulong.TryParse(id[2], NumberStyles.None, CultureInfo.InvariantCulture, out var lockInode)
                && (lockMajor, lockMinor, lockInode) == (major, minor, inode)
                && int.TryParse(fields[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid))
            {
                // An open-file-description lock shows -1: held, by a process the table does not name.
                return Math.Max(pid, 0);
            }
        }

        return null;
    }
}
