using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: prepare the exposed device's filesystem and mount it at the BuildKit root.</summary>
internal sealed record MountStickyDisk(string Session, string MountPoint) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.DiskMounted;
}
