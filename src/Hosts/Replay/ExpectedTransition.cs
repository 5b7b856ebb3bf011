using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Replay;

/// <summary>One transition a scenario expects; the parts left null match anything.</summary>
public sealed record ExpectedTransition(LifecycleTrigger Trigger, LifecycleState? From = null, LifecycleState? To = null, string? Session = null)
{
    public bool Matches(ReplayTransition actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        return actual.Trigger == Trigger
            && (From is null || actual.From == From)
            && (To is null || actual.To == To)
            && (Session is null || actual.Session == Session);
    }

    public override string ToString() =>
        (Session is null ? string.Empty : $"{Session} ") + Trigger + (From is null && To is null ? string.Empty : $" {From?.ToString() ?? "*"} -> {To?.ToString() ?? "*"}");
}
