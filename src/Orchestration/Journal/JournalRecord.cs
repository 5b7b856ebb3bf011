using System.Text.Json;
using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// One line of <c>journal.jsonl</c>. The line format is versioned by <see cref="V"/> and documented in
/// docs/adr/0002-journal.md.
/// </summary>
/// <param name="V">Schema version of the line.</param>
/// <param name="Seq">1-based, strictly increasing by one per line; assigned under the journal lock.</param>
/// <param name="Ts">UTC time the record was made.</param>
/// <param name="Session">The session (one host invocation) that wrote the line.</param>
/// <param name="Kind">Transition, effect or decision.</param>
/// <param name="Type">The trigger for a transition, <c>port.method</c> for an effect, <c>commit</c> or <c>skip</c> for a decision.</param>
/// <param name="Payload">Kind-specific facts; never a secret.</param>
public sealed record JournalRecord(
    [property: JsonPropertyName("v")] int V,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("ts")] DateTimeOffset Ts,
    [property: JsonPropertyName("session")] string Session,
    [property: JsonPropertyName("kind")] JournalRecordKind Kind,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("payload")] JsonElement Payload)
{
    public const int CurrentVersion = 1;
}
