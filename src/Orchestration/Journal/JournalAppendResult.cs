namespace Blacksmith.Orchestration.Journal;

/// <summary>What an append saw (the records written since the caller's read) and what it wrote.</summary>
public sealed record JournalAppendResult(JournalReadResult Seen, IReadOnlyList<JournalRecord> Appended);
