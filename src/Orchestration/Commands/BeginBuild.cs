using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Build: a build starts on the job's builder.</summary>
internal sealed record BeginBuild(string Session, string BuildId, string Name) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.BuildStarted;
}
