using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The job's append-only journal. Appends from several processes at once are atomic and never interleave;
/// an appended record is durable before the call returns. The lock is held only for the duration of one call.
/// </summary>
public interface IJournalStore
{
    /// <summary>Where the journal lives, for messages.</summary>
    string Location { get; }

    /// <summary>Reads every record after <paramref name="afterSequence"/>, under the lock.</summary>
    ValueTask<JournalReadResult> ReadAsync(long afterSequence, CancellationToken cancellationToken);

    /// <summary>
    /// Under the lock: reads the records after <paramref name="afterSequence"/> (those written since the caller last
    /// looked), lets <paramref name="decide"/> choose what to append given them, appends its drafts with the next
    /// sequence numbers and flushes them to disk. <paramref name="decide"/> must be pure and quick.
    /// </summary>
    ValueTask<JournalAppendResult> AppendAsync(
        long afterSequence,
        Func<JournalReadResult, IReadOnlyList<JournalDraft>> decide,
        CancellationToken cancellationToken);
}
