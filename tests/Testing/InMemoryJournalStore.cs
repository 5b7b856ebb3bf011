using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing;

/// <summary>A journal held in memory, with the same contract as the file: one lock, sequence numbers assigned on append.</summary>
public sealed class InMemoryJournalStore : IJournalStore
{
    private readonly Lock _gate = new();
    private readonly List<JournalRecord> _records = [];

    public string Location => "memory";

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

    /// <summary>Drops every record after the first <paramref name="count"/>, as a host killed mid-job would leave it.</summary>
    public void Truncate(int count)
    {
        lock (_gate)
        {
            _records.RemoveRange(count, _records.Count - count);
        }
    }

    /// <summary>What every read and append throws instead, when set: a journal that cannot be read or written.</summary>
    public Exception? Failure { get; set; }

    public ValueTask<JournalReadResult> ReadAsync(long afterSequence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFailing();
        lock (_gate)
        {
            return ValueTask.FromResult(new JournalReadResult([.. _records.Where(r => r.Seq > afterSequence)], []));
        }
    }

    public ValueTask<JournalAppendResult> AppendAsync(long afterSequence, Func<JournalReadResult, IReadOnlyList<JournalDraft>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFailing();
        lock (_gate)
        {
            var seen = new JournalReadResult([.. _records.Where(r => r.Seq > afterSequence)], []);
            var next = _records.Count == 0 ? 1 : _records[^1].Seq + 1;
            var appended = decide(seen).Select((d, i) => d.WithSequence(next + i)).ToList();
            _records.AddRange(appended);
            return ValueTask.FromResult(new JournalAppendResult(seen, appended));
        }
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
