namespace Blacksmith.Orchestration.Ports;

/// <summary>How full a filesystem is.</summary>
public sealed record FilesystemUsage(long UsedBytes, long SizeBytes);
