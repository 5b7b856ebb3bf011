namespace Blacksmith.Steps.Leftovers;

/// <summary>What was done about one job's leftovers.</summary>
/// <param name="JobDirectory">The job's directory (often gone by now).</param>
/// <param name="Why">Why it was cleaned up: the evidence that the job is over, or who asked.</param>
/// <param name="Actions">What was cleaned, in words ("stopped buildkitd pid 4242").</param>
/// <param name="Problems">What could not be cleaned; the claim is then kept, so the next cleanup tries again.</param>
/// <param name="Notes">What was deliberately left alone and will not be tried again (a mount nothing ties to the job).</param>
internal sealed record LeftoverCleanup(string JobDirectory, string Why, IReadOnlyList<string> Actions, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    /// <summary>Nothing of the job is held any more, or nothing more can be done about it: the claim may go.</summary>
    public bool Complete => Problems.Count == 0;

    /// <summary>Whether the job's claim was still there when the cleanup ended (set by whoever removes claims).</summary>
    public bool ClaimKept { get; init; }

    /// <summary>One line for the log: what was done, and only that.</summary>
    public string Describe()
    {
        // "Nothing was left" only when nothing was: a note is something deliberately left alone, a problem something that
        // could not be released.
        var done = Actions.Count > 0 ? string.Join(", ", Actions)
            : Notes.Count == 0 && Problems.Count == 0 ? "nothing was left running, mounted or exposed"
            : "nothing was released";
        var text = $"Cleaned up after the job of {JobDirectory} ({Why}): {done}";
        if (Notes.Count > 0)
        {
            text += $"; left alone: {string.Join("; ", Notes)}";
        }

        return Problems.Count == 0 ? text : $"{text}; could not clean up: {string.Join("; ", Problems)}";
    }
}
