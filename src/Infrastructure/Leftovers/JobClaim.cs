namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>
/// What one job holds on this machine, kept outside its job directory (which the runner may wipe) so that a later job
/// can clean up after it if it was killed before its post step ran. Written by setup, completed when the setup
/// sequence ends, deleted by post.
/// </summary>
/// <param name="JobDirectory">The job's directory: the claim's identity.</param>
/// <param name="Root">The BuildKit root, where the sticky disk is mounted.</param>
/// <param name="Address">The daemon's address.</param>
/// <param name="Owner">The process whose end means the job is over (the runner's <c>Runner.Worker</c>, or setup's parent).</param>
/// <param name="BootId">The kernel's boot id when the claim was written: after a reboot nothing it names can be running or mounted.</param>
/// <param name="CreatedAt">When the claim was first written.</param>
public sealed record JobClaim(string JobDirectory, string Root, string Address, ClaimedProcess Owner, string BootId, DateTimeOffset CreatedAt)
{
    /// <summary>The buildkitd the job spawned, once setup has finished.</summary>
    public ClaimedProcess? Daemon { get; init; }

    /// <summary>The device mounted at <see cref="Root"/>, once setup has finished.</summary>
    public string? Device { get; init; }

    /// <summary>The store the disk came from (<c>local</c>, <c>agent</c>), once setup has finished.</summary>
    public string? StoreKind { get; init; }

    /// <summary>The store's handle for the exposure, so a leftover can be released unchanged.</summary>
    public string? ExposeId { get; init; }

    /// <summary>The cache key of the exposure.</summary>
    public string? CacheKey { get; init; }
}
