using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>
/// Post, first of the drain: when setup never finished, look on the machine for what it may have acquired without
/// journaling it (killed between an effect and its record), so that the drain releases that too.
/// </summary>
/// <param name="Session">The owner's session.</param>
/// <param name="Launch">Where this job's daemon, root and job directory are, for the search.</param>
internal sealed record ReconcileHoldings(string Session, DaemonLaunch Launch) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.HoldingsFound;
}
