using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Tests.Properties;

/// <summary>One generated job run to the end of its owner's post, with all a property needs to judge it.</summary>
/// <param name="Seed">The seed that generated it: rerun with it to reproduce.</param>
/// <param name="Story">What was fired and what came of it, for the failure message.</param>
/// <param name="Thrown">What firing threw, if anything did (it never should).</param>
/// <param name="Problems">Firings that broke a rule while the job ran (noise accepted, a refusal that appended).</param>
/// <param name="PostRefusals">Refusals met by the complete post's own steps.</param>
/// <param name="Final">The snapshot the post's last firing returned.</param>
/// <param name="Records">The journal at the end.</param>
internal sealed record SimulatedJob(
    int Seed,
    IReadOnlyList<string> Story,
    Exception? Thrown,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> PostRefusals,
    LifecycleSnapshot? Final,
    IReadOnlyList<JournalRecord> Records)
{
    public JobFacts Facts { get; } = JobFacts.Read(Records);

    public string Describe(string problem) =>
        $"seed {Seed}: {problem}\n  facts: {Facts}\n  story:\n    {string.Join("\n    ", Story)}";
}
