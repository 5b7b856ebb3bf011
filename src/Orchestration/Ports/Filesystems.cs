namespace Blacksmith.Orchestration.Ports;

/// <summary>What <see cref="IBlockDevice.DetectFilesystemAsync"/> may answer besides null (blank) and other filesystem names.</summary>
public static class Filesystems
{
    /// <summary>The sticky disk's filesystem: grown to the device's size, formatted when blank.</summary>
    public const string Ext4 = "ext4";

    /// <summary>
    /// Not a device but a directory (the local store's directory mode, where loop devices are unavailable): it has
    /// no filesystem of its own to grow or format, and is mounted by linking it at the BuildKit root.
    /// </summary>
    public const string Directory = "directory";
}
