namespace Blacksmith.Replay;

/// <summary>
/// One cell of the sweep's fault matrix (<see cref="SweepFaultMatrix"/>): the standard job on a machine with an ended job's
/// claim and a running job's, with one call of the sweep faulted one way, and what became of both jobs and of this one.
/// </summary>
/// <param name="Call">The faulted call of the sweep, <c>port.method</c>; null for the healthy baseline.</param>
/// <param name="Kind">How it was faulted; null for the healthy baseline.</param>
/// <param name="Reached">Whether the sweep made the faulted call at all.</param>
/// <param name="Ended">What became of the ended job's claim.</param>
/// <param name="Left">What the machine still holds for the ended job at the end: <c>daemon</c>, <c>mount</c>, <c>disk</c>.</param>
/// <param name="ClaimKept">Whether the ended job's claim is still there at the end.</param>
/// <param name="Hosts">How the hosts that did not complete ended, e.g. <c>setup crashed</c>.</param>
/// <param name="Job">What this job reached (<c>commit</c>, <c>skip NoSetup</c>…).</param>
/// <param name="Problems">
/// What is wrong: a commit of another job's disk, a commit of this one after a failure, a touch of the job that may still
/// run, a claim removed while the machine still holds what it named, a recoverable fault that kept this job from committing.
/// </param>
public sealed record SweepCell(
    string? Call,
    FaultKind? Kind,
    bool Reached,
    LeftoverOutcome Ended,
    IReadOnlyList<string> Left,
    bool ClaimKept,
    IReadOnlyList<string> Hosts,
    string Job,
    IReadOnlyList<string> Problems);
