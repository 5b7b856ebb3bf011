namespace Blacksmith.Infrastructure.Buildx;

/// <summary>One garbage-collection rule of a node, as inspect prints it (sizes kept as printed, e.g. <c>100GiB</c>).</summary>
public sealed record GcPolicyRule(bool All, IReadOnlyList<string> Filters, string? KeepDuration, string? KeepBytes, string? ReservedSpace, string? MaxUsedSpace, string? MinFreeSpace);
