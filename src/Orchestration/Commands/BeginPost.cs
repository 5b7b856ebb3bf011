using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>Post: begin post; the owner drains, an attached session only reports.</summary>
internal sealed record BeginPost(string Session) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.PostRequested;
}
