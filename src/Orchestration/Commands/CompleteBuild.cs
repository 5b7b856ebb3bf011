using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Build: a build ended.</summary>
internal sealed record CompleteBuild(string Session, string BuildId, BuildOutcome Outcome, string? Detail = null) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.BuildFinished;
}
