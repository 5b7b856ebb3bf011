using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>A fork check with a fixed answer.</summary>
internal sealed class FixedFork(ForkCheck answer) : IForkPullRequestProbe
{
    public ForkCheck Check() => answer;
}
