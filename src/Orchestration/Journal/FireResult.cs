using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// The outcome of firing events: the snapshot after everything the journal now holds, the transitions this call
/// appended, or the refusal that stopped it (then nothing was appended).
/// </summary>
internal sealed record FireResult(LifecycleSnapshot Snapshot, IReadOnlyList<AppliedTransition> Applied, LifecycleTransition.Refused? Refused)
{
    public bool IsRefused => Refused is not null;
}
