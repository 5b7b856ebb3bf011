using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Replay;

/// <summary>
/// One cell of the fault matrix: the standard job (or the variant that reaches the call) with one call faulted one
/// way, and what the lifecycle made of it.
/// </summary>
/// <param name="Call">The faulted call, <c>port.method</c>; null for the healthy baseline.</param>
/// <param name="Kind">How it was faulted; null for the healthy baseline.</param>
/// <param name="Reached">Whether the faulted call was made at all (a fault on a call never made changes nothing).</param>
/// <param name="Outcome">What the lifecycle reached, in a few words: <c>commit</c>, <c>skip UnmountFailed</c>, <c>fallback, skip SetupFailed</c>.</param>
/// <param name="Decision">The commit decision, if one was made.</param>
/// <param name="CommitAccepted">Whether the store accepted a commit request (null: none was sent).</param>
/// <param name="Hosts">How the hosts that did not complete ended, e.g. <c>post hung</c>; empty when all completed.</param>
/// <param name="Left">The resources still acquired at the end of the job: <c>disk</c>, <c>mount</c>, <c>daemon</c>.</param>
/// <param name="Clean">Whether the job saw no failure it did not recover from: every host completed, the sticky disk was used, nothing was reported to the user, and every failed attempt of a call was followed by one that succeeded.</param>
/// <param name="Problems">What is wrong with the outcome (a commit after a failure, a skip after a clean job, a resource left acquired the fault does not explain); empty when nothing is.</param>
public sealed record FaultCell(
    string? Call,
    FaultKind? Kind,
    bool Reached,
    string Outcome,
    CommitDecision? Decision,
    bool? CommitAccepted,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<string> Left,
    bool Clean,
    IReadOnlyList<string> Problems)
{
    /// <summary>Why the cell's problems are a known, reported gap rather than a new bug; null for a cell without problems, or with new ones.</summary>
    public string? KnownGap { get; init; }
}
