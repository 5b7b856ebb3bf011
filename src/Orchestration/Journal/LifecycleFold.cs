using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// Rebuilds a snapshot from journal records. Transitions apply their event's facts and take the recorded
/// destination state (the machine decided it when the record was written); decisions set the decision;
/// effects change nothing.
/// </summary>
internal static class LifecycleFold
{
    public static LifecycleSnapshot Fold(LifecycleSnapshot snapshot, IEnumerable<JournalRecord> records)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(records);
        // A snapshot is copied only where a record changes more than where the journal stands: an effect record
        // changes nothing else, so its sequence and time are carried until the next change or the end. Each command
        // folds the whole journal, most of whose records are effects, and a copy per record was most of a replay's
        // allocation. The events read neither the sequence nor the time of the snapshot they apply to.
        if (records is IReadOnlyList<JournalRecord> list)
        {
            return Fold(snapshot, list, 0);
        }

        var sequence = snapshot.Sequence;
        var updatedAt = snapshot.UpdatedAt;
        foreach (var record in records)
        {
            snapshot = Next(snapshot, record, ref sequence, ref updatedAt);
        }

        return Stamped(snapshot, sequence, updatedAt);
    }

    /// <summary>Folds <paramref name="records"/> from index <paramref name="start"/> on.</summary>
    public static LifecycleSnapshot Fold(LifecycleSnapshot snapshot, IReadOnlyList<JournalRecord> records, int start)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(records);
        var sequence = snapshot.Sequence;
        var updatedAt = snapshot.UpdatedAt;
        for (var i = start; i < records.Count; i++)
        {
            snapshot = Next(snapshot, records[i], ref sequence, ref updatedAt);
        }

        return Stamped(snapshot, sequence, updatedAt);
    }

    public static LifecycleSnapshot Apply(LifecycleSnapshot snapshot, JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(record);
        return Fold(snapshot, [record]);
    }

    private static LifecycleSnapshot Stamped(LifecycleSnapshot snapshot, long sequence, DateTimeOffset? updatedAt) =>
        snapshot.Sequence == sequence && snapshot.UpdatedAt == updatedAt
            ? snapshot
            : snapshot with { Sequence = sequence, UpdatedAt = updatedAt };

    private static LifecycleSnapshot Next(LifecycleSnapshot snapshot, JournalRecord record, ref long sequence, ref DateTimeOffset? updatedAt)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Seq <= sequence)
        {
            throw new JournalFormatException(record.Seq, $"sequence goes backwards (after {sequence})");
        }

        if (record.Seq != sequence + 1)
        {
            throw new JournalFormatException(record.Seq, $"records {sequence + 1} to {record.Seq - 1} are missing");
        }

        if (record.V > JournalRecord.CurrentVersion)
        {
            throw new JournalFormatException(record.Seq, $"written by a newer schema (v{record.V}); this engine reads v{JournalRecord.CurrentVersion}");
        }

        sequence = record.Seq;
        updatedAt = record.Ts;
        return record.Kind switch
        {
            JournalRecordKind.Transition => ApplyTransition(snapshot, record),
            JournalRecordKind.Decision => snapshot with { Decision = ReadDecision(record), Sequence = record.Seq, UpdatedAt = record.Ts },
            _ => snapshot,
        };
    }

    private static LifecycleSnapshot ApplyTransition(LifecycleSnapshot snapshot, JournalRecord record)
    {
        var (_, to, @event) = LifecycleEventCodec.Decode(record);
        return @event.Apply(snapshot, new EventContext(record.Session, record.Ts)) with { State = to, Sequence = record.Seq, UpdatedAt = record.Ts };
    }

    private static CommitDecision ReadDecision(JournalRecord record)
    {
        try
        {
            return CommitDecisionJson.Decode(record.Payload)
                ?? throw new JournalFormatException(record.Seq, "empty decision payload");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new JournalFormatException(record.Seq, $"decision payload does not match its schema: {ex.Message}", ex);
        }
    }
}
