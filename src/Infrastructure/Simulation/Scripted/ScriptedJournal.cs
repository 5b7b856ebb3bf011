using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The journal of a replayed job, held in memory with the file's contract (one lock, sequence numbers assigned on
/// append, all of an append or nothing). It is also where a killed host stops: the world refuses every read and
/// append after the kill, so a killed host journals nothing more, as a process that died could not.
/// </summary>
public sealed class ScriptedJournal(ScriptedWorld world) : IJournalStore
{
    private readonly Lock _gate = new();
    private readonly List<JournalRecord> _records = [];

    public string Location => "replay (in memory)";

    /// <summary>Every record journaled so far.</summary>
    public IReadOnlyList<JournalRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public ValueTask<JournalReadResult> ReadAsync(long afterSequence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        world.BeforeJournalRead();
        lock (_gate)
        {
            return ValueTask.FromResult(new JournalReadResult(After(afterSequence), []));
        }
    }

    public ValueTask<JournalAppendResult> AppendAsync(
        long afterSequence,
        Func<JournalReadResult, IReadOnlyList<JournalDraft>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        cancellationToken.ThrowIfCancellationRequested();
        List<JournalRecord> appended;
        JournalReadResult seen;
        lock (_gate)
        {
            seen = new JournalReadResult(After(afterSequence), []);
            var drafts = decide(seen);
            world.BeforeJournalAppend(drafts);
            var next = _records.Count + 1L;
            appended = new List<JournalRecord>(drafts.Count);
            for (var i = 0; i < drafts.Count; i++)
            {
                appended.Add(drafts[i].WithSequence(next + i));
            }

            _records.AddRange(appended);
            world.AfterJournalAppend(drafts);
        }

        return ValueTask.FromResult(new JournalAppendResult(seen, appended));
    }

    // Record n sits at index n - 1, so the records after a sequence are one range: no scan of the whole journal,
    // which a replay's every effect record and load did.
    private List<JournalRecord> After(long afterSequence)
    {
        var start = (int)Math.Clamp(afterSequence, 0, _records.Count);
        return _records.GetRange(start, _records.Count - start);
    }
}
