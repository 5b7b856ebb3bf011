using System.Text.Json;
using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Testing;

/// <summary>
/// A snapshot as indented JSON, for comparing two snapshots by value: the record's own equality compares its
/// immutable lists (builds, attached sessions, the decision's other reasons) by reference. A mismatch then shows
/// as a readable text diff.
/// </summary>
public static class SnapshotText
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Of(LifecycleSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);
}
