using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>GitHub Actions' answer: the run's event name and event file (<see cref="ForkPullRequest.Detect"/>).</summary>
public sealed class EventFileForkProbe(IEnvironmentReader environment) : IForkPullRequestProbe
{
    public ForkCheck Check() => new(ForkPullRequest.Detect(environment, out var problem), problem);
}
