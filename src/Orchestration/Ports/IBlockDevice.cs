namespace Blacksmith.Orchestration.Ports;

/// <summary>The exposed block device and its filesystem at the BuildKit root.</summary>
public interface IBlockDevice
{
    /// <summary>Prepares the device's filesystem (grow an existing ext4, format a blank one) and mounts it.</summary>
    Task<MountOutcome> MountAsync(string device, string mountPoint, CancellationToken cancellationToken);

    /// <summary>Syncs, measures usage, unmounts and flushes. An unmount that fails is an outcome, not an exception.</summary>
    Task<UnmountOutcome> UnmountAsync(string mountPoint, CancellationToken cancellationToken);
}
