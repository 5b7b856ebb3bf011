namespace Blacksmith.Testing.Agent;

/// <summary>What the fake agent answers to <c>GetStickyDisk</c>: the exposure's id and the block device.</summary>
public sealed record AgentDisk(string ExposeId, string DiskIdentifier);
