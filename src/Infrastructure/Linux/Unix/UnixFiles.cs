using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// Creating the job's private files and directories (0600 / 0700), and handing them to the job's user when root
/// creates them: one job runs some steps as root (mount, buildkitd) and others as the runner user, and both must be
/// able to open the same journal afterwards.
/// </summary>
internal static class UnixFiles
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly bool IsRoot = OperatingSystem.IsLinux() && Libc.GetEffectiveUserId() == 0;

    /// <summary>
    /// Creates <paramref name="path"/> as 0700 (missing parents as <see cref="Directory.CreateDirectory(string)"/> makes
    /// them); when root, hands each directory it created to the owner of the nearest directory that already existed.
    /// Returns warnings for handovers that failed.
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <param name="durable">
    /// Flush each new directory's entry in its parent before returning, for a directory whose contents are promised to
    /// survive a power loss: fsync on a file in it does not cover the entries that lead to it.
    /// </param>
    public static IReadOnlyList<string> CreatePrivateDirectory(string path, bool durable = false) =>
        Create(path, durable, handOver: true);

    /// <summary>
    /// Creates <paramref name="path"/> as 0700 (missing parents as <see cref="Directory.CreateDirectory(string)"/> makes
    /// them) and flushes each new directory above it into its parent, but leaves the entry naming <paramref name="path"/>
    /// itself for the caller to flush with <see cref="SyncParent"/> after the first file it makes durable in it: on ext4
    /// that file's flush commits the directory's entry with it, so the parent's flush then finds nothing left to write,
    /// where flushing it first cost a disk commit of its own. Hands the new directories over as
    /// <see cref="CreatePrivateDirectory"/> does when <paramref name="handOver"/>; returns warnings for handovers that failed.
    /// </summary>
    public static IReadOnlyList<string> CreateLeavingOwnEntry(string path, bool handOver) =>
        Create(path, durable: true, handOver, leaveOwnEntry: true);

    /// <summary>Flushes <paramref name="path"/>'s entry in its parent directory (see <see cref="CreateLeavingOwnEntry"/>).</summary>
    public static void SyncParent(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent)
        {
            SyncDirectory(parent);
        }
    }

    private static List<string> Create(string path, bool durable, bool handOver, bool leaveOwnEntry = false)
    {
        var full = Path.GetFullPath(path);
        var created = Missing(full, out var existing);
        if (created.Count == 0)
        {
            return [];
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return [];
        }

        Directory.CreateDirectory(full, PrivateDirectory);
        var warnings = new List<string>();
        if (handOver && existing is not null)
        {
            for (var i = created.Count - 1; i >= 0; i--)
            {
                if (HandOver(created[i], existing) is { } warning)
                {
                    warnings.Add(warning);
                }
            }
        }

        if (durable)
        {
            // created[0] is path itself, deepest first.
            SyncEntries(leaveOwnEntry ? created[1..] : created);
        }

        return warnings;
    }

    /// <summary>The directories of <paramref name="full"/> that do not exist, deepest first, and the nearest one that does.</summary>
    private static List<string> Missing(string full, out string? existing)
    {
        var created = new List<string>();
        existing = full;
        while (existing is not null && !Directory.Exists(existing))
        {
            created.Add(existing);
            existing = Path.GetDirectoryName(existing);
        }

        return created;
    }

    // One fsync per directory that gained an entry: the parent of each new directory, once each.
    private static void SyncEntries(List<string> created)
    {
        for (var i = created.Count - 1; i >= 0; i--)
        {
            if (Path.GetDirectoryName(created[i]) is { } parent)
            {
                SyncDirectory(parent);
            }
        }
    }

    /// <summary>
    /// When running as root in a directory that belongs to another user, gives <paramref name="path"/> to that user
    /// (files are 0600, so otherwise only root could open them). Returns a warning if that failed, else null.
    /// </summary>
    public static string? HandOver(string path, string directory)
    {
        if (!IsRoot || !TryGetOwner(directory, out var uid, out var gid) || uid == 0)
        {
            return null;
        }

        if (Libc.ChangeOwner(path, uid, gid) == 0)
        {
            return null;
        }

        var errno = Marshal.GetLastPInvokeError();
        return $"could not hand {path} to uid {uid}, the owner of {directory}: {Libc.Describe(errno)}; "
            + "a step of this job that does not run as root may be unable to open it";
    }

    /// <summary>The owner of <paramref name="path"/>; false where it cannot be known (not Linux, or no statx).</summary>
    /// <param name="path">The file; a symbolic link is followed unless <paramref name="ofLink"/>.</param>
    /// <param name="uid">Its owner's user id.</param>
    /// <param name="gid">Its group id.</param>
    /// <param name="ofLink">The owner of a link itself rather than of what it points to.</param>
    public static bool TryGetOwner(string path, out uint uid, out uint gid, bool ofLink = false)
    {
        uid = gid = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            const uint wanted = Libc.StatxUid | Libc.StatxGid;
            if (Libc.Statx(Libc.AtCurrentDirectory, path, ofLink ? Libc.AtSymlinkNoFollow : 0, wanted, out var buffer) != 0 || (buffer.Mask & wanted) != wanted)
            {
                return false;
            }

            (uid, gid) = (buffer.Uid, buffer.Gid);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            // A libc older than statx: leave ownership as created.
            return false;
        }
    }

    /// <summary>Opens (or creates as 0600) a file for unbuffered random access.</summary>
    public static FileStream OpenPrivateFile(string path, FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open && mode != FileMode.Truncate)
        {
            options.UnixCreateMode = PrivateFile;
        }

        return new FileStream(path, options);
    }

    /// <summary>
    /// Makes a new directory entry in <paramref name="directory"/> durable: fsync on the file itself does not cover
    /// the entry that names it.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        var fd = Libc.Open(directory, Libc.ReadOnly | Libc.CloseOnExec, 0);
        if (fd < 0)
        {
            throw new IOException($"Could not open {directory} to flush it to disk: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        }

        try
        {
            if (Libc.Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // Some file systems cannot sync a directory (EINVAL); their entries are as durable as they get.
                if (errno != Libc.InvalidArgument)
                {
                    throw new IOException($"Could not flush {directory} to disk: {Libc.Describe(errno)}.");
                }
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
