using System.Text.Json.Serialization;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Replay;

/// <summary>What a replay showed: how each host ended, the transitions, the decision, outputs, what the user was told, and which expectations failed.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="Hosts">How each host ended, in order.</param>
/// <param name="Timeline">Every transition, in journal order.</param>
/// <param name="Effects">Every port call, in journal order.</param>
/// <param name="State">The state the job ended in.</param>
/// <param name="Decision">The commit decision, if one was made.</param>
/// <param name="CommitAccepted">Whether the store accepted the commit request (null: none was sent).</param>
/// <param name="Outputs">What the hosts would output (builder, mode, cache key, commit, reason).</param>
/// <param name="Warnings">Warnings the user would see.</param>
/// <param name="Errors">Errors the user would see.</param>
/// <param name="Divergence">Where the code left the script, if it did.</param>
/// <param name="Unmet">Expectations that do not hold, one sentence each.</param>
public sealed record ReplayReport(
    string Scenario,
    string Source,
    IReadOnlyList<ReplayHost> Hosts,
    IReadOnlyList<ReplayTransition> Timeline,
    IReadOnlyList<ReplayEffect> Effects,
    LifecycleState State,
    CommitDecision? Decision,
    bool? CommitAccepted,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Errors,
    Divergence? Divergence,
    IReadOnlyList<string> Unmet)
{
    /// <summary>What the sweep before each setup did about the other jobs' claims (<see cref="Scenario.Machine"/>); empty when it saw none.</summary>
    public IReadOnlyList<ReplayLeftover> Leftovers { get; init; } = [];

    /// <summary>
    /// The journal the replayed job wrote, as a real job's hosts would have written it: itself a replay input (the report
    /// shows its transitions and effects; the records are not printed).
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<JournalRecord> Journal { get; init; } = [];

    /// <summary>The replay followed its script and every expectation holds.</summary>
    [JsonPropertyOrder(-1)]
    public bool Passed => Divergence is null && Unmet.Count == 0;
}
