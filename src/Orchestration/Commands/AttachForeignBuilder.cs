using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Commands;

/// <summary>
/// Setup, before anything is acquired: when a buildkitd this job did not start already answers at
/// <paramref name="Address"/>, use it as it is (no disk, no second daemon); otherwise nothing happens and setup goes on.
/// </summary>
/// <param name="Session">The setup's session.</param>
/// <param name="Setup">What setup was asked for.</param>
/// <param name="Root">The BuildKit root this job's daemon would use.</param>
/// <param name="Address">The address this job's daemon would listen on.</param>
internal sealed record AttachForeignBuilder(string Session, SetupFacts Setup, string Root, string Address) : ILifecycleCommand
{
    public LifecycleTrigger Trigger => LifecycleTrigger.BuilderAttached;
}
