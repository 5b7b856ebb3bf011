using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// The block-device port for a sticky disk that is a directory (the local store's directory mode, on machines
/// without loop devices or root). "Mounting" links the directory at the BuildKit root; "unmounting" removes the
/// link. There is no filesystem to grow or format, and usage is what the directory's files take.
/// </summary>
public sealed class DirectoryVolume : IBlockDevice
{
    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken)
    {
        RequireDirectory(device, "device.size");
        return Task.FromResult(FilesystemSize(device, "device.size"));
    }

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken)
    {
        RequireDirectory(device, "device.detect");
        return Task.FromResult<string?>(Filesystems.Directory);
    }

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) =>
        throw new ExternalCallException("device.grow", ExternalErrorKind.Failed, $"{device} is a directory; there is no filesystem to grow");

    public Task FormatAsync(string device, CancellationToken cancellationToken) =>
        throw new ExternalCallException("device.format", ExternalErrorKind.Failed, $"{device} is a directory; it is never formatted");

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken)
    {
        const string operation = "device.mount";
        RequireDirectory(device, operation);
        var existing = new DirectoryInfo(mountPoint);
        if (existing.LinkTarget is not null)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{mountPoint} already links to {existing.LinkTarget}");
        }

        if (existing.Exists)
        {
            if (existing.EnumerateFileSystemInfos().Any())
            {
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{mountPoint} is a directory that is not empty; it was left untouched");
            }

            existing.Delete();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(mountPoint))!);
        Directory.CreateSymbolicLink(mountPoint, Path.GetFullPath(device));
        return Task.CompletedTask;
    }

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        Task.FromResult(new DirectoryInfo(mountPoint).LinkTarget is not null);

    /// <summary>The directory linked at <paramref name="mountPoint"/>, which is what "mounted" means here.</summary>
    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) =>
        Task.FromResult(new DirectoryInfo(mountPoint).LinkTarget);

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken)
    {
        // syncfs on the filesystem that holds the directory: what an unmount would have written back.
        const string operation = "device.sync";
        var fd = Libc.Open(Target(mountPoint, operation), Libc.ReadOnly | Libc.CloseOnExec, 0);
        if (fd < 0)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"open({mountPoint}) failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            if (Libc.SyncFilesystem(fd) != 0)
            {
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"syncfs({mountPoint}) failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }

        return Task.CompletedTask;
    }

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken)
    {
        const string operation = "device.measure";
        var target = Target(mountPoint, operation);
        long used = 0;
        foreach (var file in new DirectoryInfo(target).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.LinkTarget is null)
            {
                used += file.Length;
            }
        }

        return Task.FromResult(new FilesystemUsage(used, FilesystemSize(target, operation)));
    }

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken)
    {
        var link = new DirectoryInfo(mountPoint);
        if (link.LinkTarget is null)
        {
            throw new ExternalCallException("device.unmount", ExternalErrorKind.Failed, $"nothing is linked at {mountPoint}");
        }

        // Deleting the link, never what it points to.
        File.Delete(mountPoint);
        return Task.CompletedTask;
    }

    public Task FlushAsync(string device, CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Target(string mountPoint, string operation) =>
        new DirectoryInfo(mountPoint).LinkTarget ?? throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"nothing is linked at {mountPoint}");

    private static void RequireDirectory(string device, string operation)
    {
        if (!Directory.Exists(device))
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Missing, $"{device} is not a directory (expected the local store's directory-mode disk)");
        }
    }

    private static long FilesystemSize(string path, string operation)
    {
        if (Libc.Statvfs(path, out var usage) != 0)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"statvfs({path}) failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        }

        return checked((long)(usage.Blocks * usage.FragmentSize));
    }
}
