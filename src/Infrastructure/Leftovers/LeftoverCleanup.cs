namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>What the sweep did about one earlier job that did not finish.</summary>
/// <param name="JobDirectory">The earlier job's directory (usually gone).</param>
/// <param name="Actions">What was cleaned, in words ("stopped buildkitd pid 4242").</param>
/// <param name="Problems">What could not be cleaned; the claim is then kept, so the next job tries again.</param>
public sealed record LeftoverCleanup(string JobDirectory, IReadOnlyList<string> Actions, IReadOnlyList<string> Problems)
{
    /// <summary>One line for the log.</summary>
    public string Describe()
    {
        var done = Actions.Count == 0 ? "nothing was left running or mounted" : string.Join(", ", Actions);
        var text = $"Cleaned up after an earlier job that did not finish ({JobDirectory}): {done}";
        return Problems.Count == 0 ? text : $"{text}; could not clean up: {string.Join("; ", Problems)}";
    }
}
