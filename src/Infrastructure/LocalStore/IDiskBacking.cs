namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>What differs between the two modes: what a generation is, how it is cloned, and what is handed out.</summary>
internal interface IDiskBacking
{
    LocalStoreMode Mode { get; }

    /// <summary>The suffix of generation and clone names (<c>.img</c> for images, none for directories).</summary>
    string Suffix { get; }

    /// <summary>Makes <paramref name="clone"/> from <paramref name="source"/>, or a new empty one when it is null.</summary>
    Task<CloneMethod> CloneAsync(string? source, string clone, string operation, CancellationToken cancellationToken);

    /// <summary>What the job mounts: the loop device attached to the clone, or the clone directory itself.</summary>
    Task<string> AttachAsync(string clone, string operation, CancellationToken cancellationToken);

    /// <summary>Where the clone is mounted, if the store can tell; null when it is not.</summary>
    Task<string?> MountedAtAsync(string clone, CancellationToken cancellationToken);

    /// <summary>Ends every attachment of the clone (flushing first); with <paramref name="forCommit"/>, refuses while it is mounted.</summary>
    Task DetachAsync(string clone, bool forCommit, string operation, CancellationToken cancellationToken);

    /// <summary>Detaches attachments of clones that belong to no exposure; returns what it detached.</summary>
    Task<IReadOnlyList<string>> DetachOrphansAsync(string clones, Func<string, bool> isOrphan, string operation, CancellationToken cancellationToken);

    /// <summary>Makes the clone's content durable before it is published.</summary>
    void Sync(string clone);
}
