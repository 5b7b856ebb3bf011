namespace Blacksmith.Testing.Agent;

/// <summary>A <c>CommitStickyDisk</c> request as the fake agent received it, token included.</summary>
public sealed record RecordedCommit(
    string ExposeId,
    string StickyDiskKey,
    string VmId,
    bool ShouldCommit,
    string RepoName,
    string Token,
    long FsDiskUsageBytes);
