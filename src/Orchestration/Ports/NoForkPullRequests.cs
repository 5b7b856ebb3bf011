namespace Blacksmith.Orchestration.Ports;

/// <summary>A CI whose runs are never pull requests from forks as far as the engine can tell (it has no event to read).</summary>
public sealed class NoForkPullRequests : IForkPullRequestProbe
{
    public static NoForkPullRequests Instance { get; } = new();

    public ForkCheck Check() => ForkCheck.NotAFork;
}
