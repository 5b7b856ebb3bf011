using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: send the commit request (should_commit = true) the policy allowed.</summary>
internal sealed record CommitStickyDisk(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.CommitRequested;
}
