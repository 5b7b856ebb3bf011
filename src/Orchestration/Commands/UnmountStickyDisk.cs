using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: sync, measure, unmount and flush the sticky disk.</summary>
internal sealed record UnmountStickyDisk(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DiskUnmounted;
}
