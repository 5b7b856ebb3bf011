namespace Blacksmith.Orchestration.Ports;

/// <summary>The decision sent for one exposure.</summary>
/// <param name="ExposeId">The exposure being settled.</param>
/// <param name="CacheKey">Its key.</param>
/// <param name="Commit">True to commit (should_commit = true), false to release unchanged.</param>
/// <param name="FsUsageBytes">Filesystem usage measured before unmount, sent with a commit.</param>
public sealed record DiskSettlement(string ExposeId, string CacheKey, bool Commit, long? FsUsageBytes)
{
    /// <summary>What a commit's failure names as its operation.</summary>
    public const string CommitOperation = "stickydisk.commit";

    /// <summary>What a release's failure names as its operation: a release is never reported as a commit.</summary>
    public const string ReleaseOperation = "stickydisk.release";

    /// <summary>The operation this settlement is, for the failures and timeouts that name it.</summary>
    public string Operation => Commit ? CommitOperation : ReleaseOperation;
}
