using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Replay;

/// <summary>What a scenario expects of its replay. Anything left null is not checked.</summary>
public sealed record ScenarioExpectations
{
    /// <summary>The lifecycle state the job ends in.</summary>
    public LifecycleState? State { get; init; }

    public ExpectedDecision? Decision { get; init; }

    /// <summary>The skip reason shown to the user.</summary>
    public SkipReason? Reason { get; init; }

    /// <summary>The other unmet conditions of a skip, in order.</summary>
    public IReadOnlyList<SkipReason>? Also { get; init; }

    /// <summary>Every transition of the job, in order.</summary>
    public IReadOnlyList<ExpectedTransition>? Transitions { get; init; }

    /// <summary>How each host ended, in the order of the job (<see cref="HostEnd"/> names).</summary>
    public IReadOnlyList<HostEnd>? Hosts { get; init; }

    /// <summary>Outputs that must have these values (others may exist).</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>Texts that must each appear in a warning; an empty list means no warning at all.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }

    /// <summary>Texts that must each appear in an error; an empty list means no error at all.</summary>
    public IReadOnlyList<string>? Errors { get; init; }

    /// <summary>What was sent to the store, attempt by attempt: <c>commit</c> or <c>release</c>.</summary>
    public IReadOnlyList<string>? Settlements { get; init; }

    /// <summary>
    /// What the sweeps before the job's setups did, per other job's directory; when given, it names every claim they saw
    /// (<c>{}</c>: they saw none).
    /// </summary>
    public IReadOnlyDictionary<string, ExpectedLeftover>? Leftovers { get; init; }
}
