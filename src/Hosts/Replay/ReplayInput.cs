using Blacksmith.Infrastructure.Journal;

namespace Blacksmith.Replay;

/// <summary>What <c>blacksmith replay</c> accepts: a scenario file, a recorded <c>journal.jsonl</c>, or a job directory holding one.</summary>
public static class ReplayInput
{
    /// <exception cref="ScenarioFormatException">The input is malformed; the exception says where.</exception>
    /// <exception cref="FileNotFoundException">There is no such file (or no journal in the directory).</exception>
    public static Scenario Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, JournalFile.JournalFileName);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No scenario or journal at {path}.", path);
        }

        return path.EndsWith(".jsonl", StringComparison.Ordinal) ? JournalScenario.Load(path) : ScenarioFile.Load(path);
    }
}
