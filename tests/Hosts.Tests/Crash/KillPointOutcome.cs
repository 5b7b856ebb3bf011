using Blacksmith.Infrastructure.Failpoints;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>One row of the kill-point table: a step killed at a point, what it left, who released it, whether anything was committed.</summary>
/// <param name="Point">Where the step was killed.</param>
/// <param name="Scope">The step alone, or its process group.</param>
/// <param name="FollowUp">What ran next.</param>
/// <param name="Left">What the kill left on the machine (daemon, mount, loop device, exposure, claim).</param>
/// <param name="CleanedBy">Who released it.</param>
/// <param name="Committed">Whether the killed job's disk became a generation, and why (not).</param>
/// <param name="PostExit">The exit code of the post that followed (the job's own, or the next job's).</param>
/// <param name="Signature">What a cleanup after the killed job can see (its claim and the machine).</param>
/// <param name="Problems">What went wrong; empty for a passing run.</param>
internal sealed record KillPointOutcome(
    PlannedPoint Point,
    KillScope Scope,
    FollowUp FollowUp,
    string Left,
    string CleanedBy,
    string Committed,
    int? PostExit,
    string Signature,
    IReadOnlyList<string> Problems);
