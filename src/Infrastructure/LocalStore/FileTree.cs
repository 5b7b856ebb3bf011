using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Sizes, flushing and deletion of the store's images and directory trees. Symbolic links are never followed: a
/// cache may hold links to anywhere, and the store measures and deletes only what is its own.
/// </summary>
internal static class FileTree
{
    private const ushort DirectoryType = 0x4000;
    private const ushort RegularType = 0x8000;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Bytes allocated to <paramref name="path"/> and, for a directory, everything under it (0 when missing).</summary>
    public static long AllocatedBytes(string path)
    {
        var total = 0L;
        var pending = new Stack<string>();
        pending.Push(path);
        while (pending.TryPop(out var current))
        {
            if (!TryStat(current, out var status))
            {
                continue;
            }

            total += (long)status.Blocks * 512;
            if ((status.Mode & Libc.FileTypeMask) == DirectoryType)
            {
                foreach (var entry in EnumerateQuietly(current))
                {
                    pending.Push(entry);
                }
            }
        }

        return total;
    }

    /// <summary>Creates <paramref name="path"/> (and parents) readable by its owner only.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the local store runs on Linux only");
        }

        Directory.CreateDirectory(path, UnixFiles.PrivateDirectory);
    }

    /// <summary>Whether <paramref name="path"/> is a directory itself (not a link to one).</summary>
    public static bool IsDirectory(string path) => TryStat(path, out var status) && (status.Mode & Libc.FileTypeMask) == DirectoryType;

    /// <summary>Whether <paramref name="path"/> is a regular file itself (not a link to one).</summary>
    public static bool IsRegularFile(string path) => TryStat(path, out var status) && (status.Mode & Libc.FileTypeMask) == RegularType;

    /// <summary>
    /// Deletes a file or a whole tree; missing is fine. A tree holding read-only directories (Go's module cache has
    /// them) cannot be emptied without root, so on a refusal the directories are made writable by their owner first.
    /// </summary>
    public static void Delete(string path)
    {
        if (!TryStat(path, out var status))
        {
            return;
        }

        if ((status.Mode & Libc.FileTypeMask) != DirectoryType)
        {
            File.Delete(path);
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            MakeDirectoriesWritable(path);
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>fsync(2) of one file: its data and size are on disk when this returns.</summary>
    public static void SyncFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (Libc.Fsync(handle) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"could not flush {path} to disk: {Libc.Describe(errno)}", errno);
        }
    }

    /// <summary>syncfs(2) of the filesystem holding <paramref name="path"/>: a whole tree's files on disk in one call.</summary>
    public static void SyncFilesystem(string path)
    {
        var fd = Libc.Open(path, Libc.ReadOnly | Libc.CloseOnExec, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"could not open {path} to flush it to disk: {Libc.Describe(errno)}", errno);
        }

        try
        {
            if (Libc.SyncFilesystem(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"could not flush the filesystem of {path} to disk: {Libc.Describe(errno)}", errno);
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    private static void MakeDirectoriesWritable(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var directory))
        {
            if (!IsDirectory(directory))
            {
                continue;
            }

            try
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | OwnerAll);
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // Not ours to change: the delete that follows reports it.
            }

            foreach (var entry in EnumerateQuietly(directory))
            {
                pending.Push(entry);
            }
        }
    }

    private static string[] EnumerateQuietly(string directory)
    {
        try
        {
            return Directory.GetFileSystemEntries(directory);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return [];
        }
    }

    private static bool TryStat(string path, out StatxAllocationBuffer status)
    {
        const uint wanted = Libc.StatxType | Libc.StatxBlocks;
        return Libc.StatxAllocation(Libc.AtCurrentDirectory, path, Libc.AtSymlinkNoFollow, wanted, out status) == 0
            && (status.Mask & wanted) == wanted;
    }
}
