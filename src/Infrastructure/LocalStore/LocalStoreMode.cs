namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>What the local sticky-disk store keeps per key and hands out.</summary>
public enum LocalStoreMode
{
    /// <summary>
    /// The mode the data directory was created in; for a new one, <see cref="LoopDevice"/> when this process is root
    /// and <c>/dev/loop-control</c> exists, else <see cref="Directory"/>.
    /// </summary>
    Auto,

    /// <summary>An ext4 image per generation, exposed as a loop device (needs root, or passwordless sudo for losetup).</summary>
    LoopDevice,

    /// <summary>A plain directory per generation, exposed as that directory's path; no root needed.</summary>
    Directory,
}
