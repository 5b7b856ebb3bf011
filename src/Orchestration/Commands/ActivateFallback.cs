using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: after a failed setup, make a local builder without the sticky disk usable.</summary>
internal sealed record ActivateFallback(string Session, string Reason) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.FallbackActivated;
}
