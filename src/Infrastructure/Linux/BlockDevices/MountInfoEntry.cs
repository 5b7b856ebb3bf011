namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// One line of <c>/proc/&lt;pid&gt;/mountinfo</c> (proc(5)), with the escaped fields already unescaped.
/// </summary>
/// <param name="MountId">Unique among the current mounts; reused after an unmount.</param>
/// <param name="ParentId">The mount this one sits on (itself for the namespace's root).</param>
/// <param name="Major">The device number of the filesystem (0 for most virtual filesystems).</param>
/// <param name="Minor">The device number's minor part.</param>
/// <param name="Root">The directory of the filesystem mounted here: <c>/</c> unless this is a bind mount of a subtree.</param>
/// <param name="MountPoint">Where it is mounted, relative to the reading process's root.</param>
/// <param name="MountOptions">Per-mount options such as <c>rw,relatime</c>.</param>
/// <param name="OptionalFields">Propagation tags such as <c>shared:1</c> or <c>master:2</c>; often none.</param>
/// <param name="FilesystemType">e.g. <c>ext4</c>, or <c>fuse.sshfs</c> with a subtype.</param>
/// <param name="Source">The device or other source, e.g. <c>/dev/loop0</c>, <c>overlay</c> or <c>none</c>.</param>
/// <param name="SuperOptions">Per-filesystem options such as <c>rw,errors=remount-ro</c>.</param>
internal sealed record MountInfoEntry(
    int MountId,
    int ParentId,
    uint Major,
    uint Minor,
    string Root,
    string MountPoint,
    string MountOptions,
    IReadOnlyList<string> OptionalFields,
    string FilesystemType,
    string Source,
    string SuperOptions);
