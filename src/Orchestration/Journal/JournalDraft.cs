using System.Text.Json;

namespace Blacksmith.Orchestration.Journal;

/// <summary>A record before the journal gives it a sequence number.</summary>
public sealed record JournalDraft(DateTimeOffset Ts, string Session, JournalRecordKind Kind, string Type, JsonElement Payload)
{
    public JournalRecord WithSequence(long seq) => new(JournalRecord.CurrentVersion, seq, Ts, Session, Kind, Type, Payload);
}
