using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation;

/// <summary>
/// A simulated block device: the "device" is a directory, "formatting" marks it, and "mounting" links the
/// BuildKit root to it. Sizes and usage are measured from the directory.
/// </summary>
public sealed class SimulatedBlockDevice : IBlockDevice
{
    private const string FilesystemMarker = ".simulated-fs";
    private const long SimulatedSize = 10L * 1024 * 1024 * 1024;

    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(device) ? SimulatedSize : 0);

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(Path.Combine(device, FilesystemMarker)) ? "ext4" : null);

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task FormatAsync(string device, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(Path.Combine(device, FilesystemMarker), "simulated ext4\n", cancellationToken);

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(device))
        {
            throw new ExternalCallException("device.mount", ExternalErrorKind.Failed, $"simulated device {device} does not exist");
        }

        if (Path.Exists(mountPoint))
        {
            throw new ExternalCallException("device.mount", ExternalErrorKind.Failed, $"{mountPoint} is already in use");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(mountPoint))!);
        Directory.CreateSymbolicLink(mountPoint, device);
        return Task.CompletedTask;
    }

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        Task.FromResult(new DirectoryInfo(mountPoint).LinkTarget is not null);

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken)
    {
        var target = new DirectoryInfo(Path.GetFullPath(new DirectoryInfo(mountPoint).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? mountPoint));
        var used = target.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return Task.FromResult(new FilesystemUsage(used, SimulatedSize));
    }

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken)
    {
        var link = new DirectoryInfo(mountPoint);
        if (link.LinkTarget is null)
        {
            throw new ExternalCallException("device.unmount", ExternalErrorKind.Failed, $"{mountPoint} is not a simulated mount");
        }

        link.Delete();
        return Task.CompletedTask;
    }

    public Task FlushAsync(string device, CancellationToken cancellationToken) => Task.CompletedTask;
}
