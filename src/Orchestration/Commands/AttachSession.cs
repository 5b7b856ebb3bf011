using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Setup: this job already has a builder; use it instead of starting a second one.</summary>
internal sealed record AttachSession(string Session, string CacheKey) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.SessionAttached;
}
