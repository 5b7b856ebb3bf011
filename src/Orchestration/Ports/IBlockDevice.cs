namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The exposed block device, its filesystem, and its mount at the BuildKit root. Each call is one attempt of one
/// command; the zero-size wait and the unmount retries are step logic.
/// </summary>
public interface IBlockDevice
{
    /// <summary>The device's size in bytes; 0 while the device is not attached yet.</summary>
    Task<long> GetSizeAsync(string device, CancellationToken cancellationToken);

    /// <summary>The filesystem type on the device (e.g. <c>ext4</c>), or null when it holds none.</summary>
    Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken);

    /// <summary>Grows an ext4 filesystem to the device's size.</summary>
    Task GrowFilesystemAsync(string device, CancellationToken cancellationToken);

    /// <summary>
    /// Formats the device as ext4, whatever it held. A device that is mounted or in use is refused
    /// (<see cref="ExternalErrorKind.Failed"/>) and left as it is.
    /// </summary>
    Task FormatAsync(string device, CancellationToken cancellationToken);

    /// <summary>
    /// Mounts the device at <paramref name="mountPoint"/>, creating the directory. A filesystem the kernel refuses
    /// because it is damaged fails with <see cref="ExternalErrorKind.Corrupt"/>; every other failure (busy, permission,
    /// an unreadable device) is not that.
    /// </summary>
    Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken);

    /// <summary>Whether something is mounted at <paramref name="mountPoint"/> (from /proc/self/mountinfo).</summary>
    Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken);

    /// <summary>
    /// What is mounted at <paramref name="mountPoint"/>: the device (or, for a directory-mode disk, the directory linked
    /// there), or null when nothing is. Evidence that a mount is a job's own before anything unmounts it.
    /// </summary>
    Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken);

    /// <summary>Flushes the filesystem's dirty pages to the device.</summary>
    Task SyncAsync(string mountPoint, CancellationToken cancellationToken);

    /// <summary>Used and total bytes of the filesystem mounted at <paramref name="mountPoint"/>.</summary>
    Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken);

    /// <summary>One unmount attempt; a busy mount fails with <see cref="ExternalErrorKind.Unavailable"/>.</summary>
    Task UnmountAsync(string mountPoint, CancellationToken cancellationToken);

    /// <summary>Flushes the device's buffers after unmount.</summary>
    Task FlushAsync(string device, CancellationToken cancellationToken);
}
