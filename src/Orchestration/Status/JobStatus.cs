using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Status;

/// <summary>A job's lifecycle told from its journal: where it is, how it got there, and what was decided.</summary>
public sealed record JobStatus(
    LifecycleState State,
    string? Owner,
    BuilderMode Mode,
    string? CacheKey,
    string? Store,
    string? BuilderName,
    string? SetupFailure,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<BuildRecord> Builds,
    CommitDecision? Decision,
    bool? CommitAccepted,
    string? CommitError,
    int Effects)
{
    /// <summary>Builds the status from every record of a journal, as its owner sees it.</summary>
    public static JobStatus From(IReadOnlyList<JournalRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var folded = LifecycleFold.Fold(LifecycleSnapshot.Initial(string.Empty), records);
        var snapshot = folded with { Viewer = folded.OwnerSession ?? string.Empty };
        var timeline = new List<TimelineEntry>();
        DateTimeOffset? previous = null;
        var start = records.Count > 0 ? records[0].Ts : default;
        foreach (var record in records.Where(r => r.Kind == JournalRecordKind.Transition))
        {
            var (from, to, @event) = LifecycleEventCodec.Decode(record);
            timeline.Add(new TimelineEntry(record.Seq, record.Ts, record.Ts - start, previous is null ? TimeSpan.Zero : record.Ts - previous.Value, record.Session, @event.Trigger, from, to));
            previous = record.Ts;
        }

        return new JobStatus(
            snapshot.State,
            snapshot.OwnerSession,
            snapshot.Mode,
            snapshot.Setup?.CacheKey,
            snapshot.Setup?.Store,
            snapshot.BuilderName,
            snapshot.SetupFailure,
            timeline,
            snapshot.Builds,
            snapshot.Decision,
            snapshot.CommitAccepted,
            snapshot.CommitError,
            records.Count(r => r.Kind == JournalRecordKind.Effect));
    }
}
