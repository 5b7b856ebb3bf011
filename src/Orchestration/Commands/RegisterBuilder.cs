using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: register the daemon as the default buildx builder.</summary>
internal sealed record RegisterBuilder(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.BuilderRegistered;
}
