using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>One holder of a lock: the client's entity name, the cookie it took the lock with, and the description (the agent).</summary>
internal sealed record RbdLocker(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("cookie")] string Cookie,
    [property: JsonPropertyName("description")] string? Description);
