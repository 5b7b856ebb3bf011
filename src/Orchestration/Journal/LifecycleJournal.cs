using System.Text.Json;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Logging;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// The lifecycle as the journal holds it: loads a snapshot by folding the records, and fires events by checking
/// them against the machine and appending them, all under the journal lock and against the latest records.
/// </summary>
/// <remarks>
/// Right after a batch is appended, and before anything acts on it (the claim's projection, the next effect), each of
/// its transitions is a kill point (<c>transition:&lt;Trigger&gt;</c>, <see cref="IFailpoints"/>).
/// </remarks>
internal sealed class LifecycleJournal(IJournalStore store, TimeProvider time, ILogger<LifecycleJournal> logger, IFailpoints? failpoints = null)
{
    private readonly IFailpoints? _failpoints = NoFailpoints.Active(failpoints);

    private LoadedJournal? _lastLoad;

    public string Location => store.Location;

    public async ValueTask<LifecycleSnapshot> LoadAsync(string viewer, CancellationToken cancellationToken)
    {
        var read = await store.ReadAsync(0, cancellationToken);
        Warn(read);
        // Every command loads the whole journal. A store that hands back the very records it handed back before (one
        // held in memory, as a replay's) continues the last load's fold with the records after them, instead of
        // folding all of them again; a file's records are read anew each time and are folded from the start.
        var last = Volatile.Read(ref _lastLoad);
        var snapshot = last is not null && last.IsContinuedBy(viewer, read.Records)
            ? LifecycleFold.Fold(last.Snapshot, read.Records, last.Records.Count)
            : LifecycleFold.Fold(LifecycleSnapshot.Initial(viewer), read.Records);
        Volatile.Write(ref _lastLoad, new LoadedJournal(viewer, read.Records, snapshot));
        return snapshot;
    }

    /// <summary>
    /// Fires <paramref name="events"/> in order on behalf of <paramref name="session"/>. The machine checks each one
    /// against the journal as it is now (records written since <paramref name="readAt"/> included); either all are
    /// appended or, at the first refusal, none.
    /// </summary>
    public async ValueTask<FireResult> FireAsync(
        LifecycleSnapshot readAt,
        string session,
        IReadOnlyList<LifecycleEvent> events,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readAt);
        ArgumentNullException.ThrowIfNull(events);
        LifecycleTransition.Refused? refused = null;
        var append = await store.AppendAsync(
            readAt.Sequence,
            seen =>
            {
                refused = null;
                // Ownership is judged from the session that fires, whoever read the journal.
                var current = LifecycleFold.Fold(readAt with { Viewer = session }, seen.Records);
                var now = time.GetUtcNow();
                var drafts = new List<JournalDraft>(events.Count + 1);
                foreach (var @event in events)
                {
                    var before = current;
                    switch (LifecycleMachine.Evaluate(before, @event, new EventContext(session, now)))
                    {
                        case LifecycleTransition.Refused r:
                            refused = r;
                            return [];
                        case LifecycleTransition.Moved moved:
                            drafts.Add(new JournalDraft(now, session, JournalRecordKind.Transition, LifecycleNames.Of(@event.Trigger),
                                LifecycleEventCodec.Encode(moved.From, moved.To, @event)));
                            current = moved.After;

                            // The decision is journaled once, when the lifecycle first reaches the end of its road:
                            // Committing after a commit-allowing drain, or Done by any other way (a skip, or a post
                            // without setup).
                            if (moved.To is LifecycleState.Committing or LifecycleState.Done && current.Decision is null)
                            {
                                var decision = CommitPolicy.Decide(before);
                                drafts.Add(DecisionDraft(now, session, decision));
                                current = current with { Decision = decision };
                            }

                            break;
                    }
                }

                return drafts;
            },
            cancellationToken);

        Warn(append.Seen);
        var snapshot = LifecycleFold.Fold(LifecycleFold.Fold(readAt, append.Seen.Records), append.Appended);
        // A loop, not Where then Select: LINQ's Select on Where's iterator is a generic virtual method, which Native AOT
        // resolves at run time on each step's first transition.
        var applied = new List<AppliedTransition>(append.Appended.Count);
        foreach (var r in append.Appended)
        {
            if (r.Kind == JournalRecordKind.Transition)
            {
                var (from, to, e) = LifecycleEventCodec.Decode(r);
                applied.Add(new AppliedTransition(r.Seq, e.Trigger, from, to));
            }
        }
        foreach (var t in applied)
        {
            logger.Transitioned(t.Trigger, t.From, t.To, t.Sequence);
        }

        foreach (var t in applied)
        {
            _failpoints?.Reached($"transition:{t.Trigger}");
        }

        return new FireResult(snapshot, applied, refused);
    }

    /// <summary>Journals one attempt of an external action. Effects change no state, so no check is needed.</summary>
    public async ValueTask RecordEffectAsync(string session, EffectRecord effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        var draft = new JournalDraft(time.GetUtcNow(), session, JournalRecordKind.Effect, $"{effect.Port}.{effect.Method}",
            JsonSerializer.SerializeToElement(effect, JournalJsonContext.Default.EffectRecord));
        await store.AppendAsync(long.MaxValue, _ => [draft], cancellationToken);
    }

    private static JournalDraft DecisionDraft(DateTimeOffset now, string session, CommitDecision decision) =>
        new(now, session, JournalRecordKind.Decision, decision.IsCommit ? "commit" : "skip",
            CommitDecisionJson.Encode(decision));

    private void Warn(JournalReadResult read)
    {
        foreach (var warning in read.Warnings)
        {
            logger.JournalWarning(store.Location, warning);
        }
    }

    /// <summary>What the last load read and folded it to, as the viewer saw it.</summary>
    private sealed record LoadedJournal(string Viewer, IReadOnlyList<JournalRecord> Records, LifecycleSnapshot Snapshot)
    {
        // The same records, object for object, then perhaps more: a record is immutable, so those fold as they did.
        public bool IsContinuedBy(string viewer, IReadOnlyList<JournalRecord> records)
        {
            if (!string.Equals(viewer, Viewer, StringComparison.Ordinal) || records.Count < Records.Count)
            {
                return false;
            }

            for (var i = Records.Count - 1; i >= 0; i--)
            {
                if (!ReferenceEquals(records[i], Records[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
