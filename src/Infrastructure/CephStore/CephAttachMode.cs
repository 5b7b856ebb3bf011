namespace Blacksmith.Infrastructure.CephStore;

/// <summary>How an RBD image becomes a block device on this host (docs/agent.md, "The Ceph backend").</summary>
public enum CephAttachMode
{
    /// <summary>krbd when the kernel has the rbd module (<c>/sys/bus/rbd</c>), else rbd-fuse and a loop device.</summary>
    Auto,

    /// <summary><c>rbd device map --exclusive</c>: the kernel's client, for production hosts.</summary>
    Krbd,

    /// <summary><c>rbd-fuse</c> exposing the one image as a file, and a loop device over it: where the kernel has no rbd module.</summary>
    RbdFuse,
}
