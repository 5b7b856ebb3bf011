namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// How long each command of <see cref="LinuxBlockDevice"/> may run before it is killed. These are bounds against a
/// device that has stopped answering (a network-attached disk whose backend went away), not expected durations: the
/// commands that scale with the amount of data (sync, grow) get the most room.
/// </summary>
public sealed record BlockDeviceTimeouts
{
    /// <summary><c>blkid</c> and <c>mkdir</c>: a few reads or none.</summary>
    public TimeSpan Probe { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>mkfs.ext4</c> with lazy initialisation writes little more than the superblocks and group descriptors.</summary>
    public TimeSpan Format { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>resize2fs</c> offline: time grows with the number of block groups added.</summary>
    public TimeSpan Grow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>mount</c>, which replays the journal after a crash.</summary>
    public TimeSpan Mount { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>sync -f</c>: writes every dirty page of the build cache.</summary>
    public TimeSpan Sync { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>umount</c>, after a sync has already written nearly everything.</summary>
    public TimeSpan Unmount { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>blockdev --flushbufs</c>.</summary>
    public TimeSpan Flush { get; init; } = TimeSpan.FromMinutes(1);
}
