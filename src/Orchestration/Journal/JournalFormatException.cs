namespace Blacksmith.Orchestration.Journal;

/// <summary>A journal line that is not what the format says it must be. Names the line by its sequence number.</summary>
public sealed class JournalFormatException : Exception
{
    public JournalFormatException(long sequence, string message, Exception? inner = null)
        : base($"journal record {sequence}: {message}", inner)
    {
        Sequence = sequence;
        Problem = message;
    }

    public long Sequence { get; }

    /// <summary>What is wrong, without the record's number (for a reader that names the line its own way).</summary>
    public string Problem { get; }
}
