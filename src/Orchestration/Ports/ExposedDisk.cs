namespace Blacksmith.Orchestration.Ports;

/// <summary>A disk the store exposed: its handle and the block device to mount.</summary>
public sealed record ExposedDisk(string ExposeId, string Device);
