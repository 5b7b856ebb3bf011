namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// A disk the store exposed: its handle and the block device to mount. <paramref name="Device"/> is empty when the
/// store answered without one; the exposure still exists and must be released.
/// </summary>
public sealed record ExposedDisk(string ExposeId, string Device);
