namespace Blacksmith.Orchestration.Journal;

/// <summary>Records read from the journal, and what the reader should warn about (e.g. a torn last line).</summary>
public sealed record JournalReadResult(IReadOnlyList<JournalRecord> Records, IReadOnlyList<string> Warnings)
{
    public static readonly JournalReadResult Empty = new([], []);
}
