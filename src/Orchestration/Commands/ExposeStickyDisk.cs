using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: ask the sticky-disk store to expose this job's cache key as a block device.</summary>
internal sealed record ExposeStickyDisk(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DiskExposed;
}
