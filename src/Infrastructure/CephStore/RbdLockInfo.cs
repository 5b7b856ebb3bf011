using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary><c>rados lock info --format json</c>: who holds a lock.</summary>
internal sealed record RbdLockInfo([property: JsonPropertyName("lockers")] IReadOnlyList<RbdLocker>? Lockers);
