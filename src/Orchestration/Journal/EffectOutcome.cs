namespace Blacksmith.Orchestration.Journal;

/// <summary>How one attempt of an external action ended.</summary>
public enum EffectOutcome
{
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
}
