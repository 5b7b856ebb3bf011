using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: a builder this job did not start is already running; use it as it is.</summary>
public sealed record AttachForeignBuilder(string Session, SetupFacts Setup, string BuilderName, string Address, string Reason) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.BuilderAttached;
}
