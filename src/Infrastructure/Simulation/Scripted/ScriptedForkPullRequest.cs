using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The fork check of a replayed setup: what its scenario's inputs say; set by the replay before each setup.</summary>
public sealed class ScriptedForkPullRequest : IForkPullRequestProbe
{
    public bool IsFork { get; set; }

    public ForkCheck Check() => IsFork ? new ForkCheck(true) : ForkCheck.NotAFork;
}
