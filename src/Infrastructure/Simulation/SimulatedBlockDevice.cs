using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation;

/// <summary>
/// "Mounts" a simulated device (a directory) by linking the BuildKit root to it, and measures its usage on unmount.
/// </summary>
public sealed class SimulatedBlockDevice : IBlockDevice
{
    public Task<MountOutcome> MountAsync(string device, string mountPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(device))
        {
            throw new ExternalCallException("device.mount", ExternalErrorKind.Failed, $"simulated device {device} does not exist");
        }

        var formatted = !Directory.EnumerateFileSystemEntries(device).Any();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(mountPoint))!);
        if (Path.Exists(mountPoint))
        {
            throw new ExternalCallException("device.mount", ExternalErrorKind.Failed, $"{mountPoint} is already in use");
        }

        Directory.CreateSymbolicLink(mountPoint, device);
        return Task.FromResult(new MountOutcome(formatted));
    }

    public Task<UnmountOutcome> UnmountAsync(string mountPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var link = new DirectoryInfo(mountPoint);
        if (link.LinkTarget is null)
        {
            return Task.FromResult(new UnmountOutcome(false, null, $"{mountPoint} is not a simulated mount"));
        }

        var target = new DirectoryInfo(link.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        var usage = target.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        link.Delete();
        return Task.FromResult(new UnmountOutcome(true, usage));
    }
}
