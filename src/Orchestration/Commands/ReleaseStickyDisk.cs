using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: send the explicit release (should_commit = false) that a skipped commit owes the store.</summary>
internal sealed record ReleaseStickyDisk(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DiskReleased;
}
