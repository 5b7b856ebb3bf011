using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: start a sticky-disk builder owned by this session.</summary>
internal sealed record BeginSetup(string Session, SetupFacts Setup) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.SetupStarted;
}
