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
        foreach (var record in records)
        {
            snapshot = Apply(snapshot, record);
        }

        return snapshot;
    }

    public static LifecycleSnapshot Apply(LifecycleSnapshot snapshot, JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(record);
        if (record.Seq <= snapshot.Sequence)
        {
            throw new JournalFormatException(record.Seq, $"sequence goes backwards (after {snapshot.Sequence})");
        }

        if (record.Seq != snapshot.Sequence + 1)
        {
            throw new JournalFormatException(record.Seq, $"records {snapshot.Sequence + 1} to {record.Seq - 1} are missing");
        }

        if (record.V > JournalRecord.CurrentVersion)
        {
            throw new JournalFormatException(record.Seq, $"written by a newer schema (v{record.V}); this engine reads v{JournalRecord.CurrentVersion}");
        }

        var next = record.Kind switch
        {
            JournalRecordKind.Transition => ApplyTransition(snapshot, record),
            JournalRecordKind.Decision => snapshot with { Decision = ReadDecision(record) },
            _ => snapshot,
        };
        return next with { Sequence = record.Seq, UpdatedAt = record.Ts };
    }

    private static LifecycleSnapshot ApplyTransition(LifecycleSnapshot snapshot, JournalRecord record)
    {
        var (_, to, @event) = LifecycleEventCodec.Decode(record);
        return @event.Apply(snapshot, new EventContext(record.Session, record.Ts)) with { State = to };
    }

    private static CommitDecision ReadDecision(JournalRecord record)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(record.Payload, JournalJsonContext.Default.CommitDecision)
                ?? throw new JournalFormatException(record.Seq, "empty decision payload");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new JournalFormatException(record.Seq, $"decision payload does not match its schema: {ex.Message}", ex);
        }
    }
}
