namespace Blacksmith.Testing.Agent;

/// <summary>A <c>GetStickyDisk</c> request as the fake agent received it, token included (tests check it arrives).</summary>
public sealed record RecordedExpose(
    string StickyDiskKey,
    string Region,
    string InstallationModelId,
    string VmId,
    string StickyDiskType,
    string RepoName,
    string Token);
