using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: begin post; the owner drains, an attached session only reports.</summary>
public sealed record BeginPost(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.PostRequested;
}
