namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// The data path: how an exposure's RBD image becomes a block device on this host, and stops being one. Every rbd and
/// rados operation of the store is the same whichever is used; only this differs (krbd in production, rbd-fuse and a
/// loop device where the kernel has no rbd module).
/// </summary>
internal interface IBlockAttach
{
    /// <summary>For logs and <c>Kind</c>: <c>krbd</c> or <c>rbd-fuse</c>.</summary>
    string Name { get; }

    /// <summary>Attaches <paramref name="image"/> for exposure <paramref name="exposeId"/> and returns the device, or the device it already has.</summary>
    Task<string> AttachAsync(string image, string exposeId, string operation, CancellationToken cancellationToken);

    /// <summary>Where the exposure's device is mounted, or null.</summary>
    Task<string?> MountedAtAsync(string image, string exposeId, CancellationToken cancellationToken);

    /// <summary>
    /// Flushes and ends the attachment, and returns once no client of this host has the image open (so a snapshot or
    /// removal that follows sees everything written). With <paramref name="forCommit"/>, refuses while it is mounted.
    /// Nothing attached is not an error.
    /// </summary>
    Task DetachAsync(string image, string exposeId, bool forCommit, string operation, CancellationToken cancellationToken);

    /// <summary>The exposures that have something attached on this host, by expose id.</summary>
    Task<IReadOnlyList<(string ExposeId, string Image)>> AttachedAsync(CancellationToken cancellationToken);
}
