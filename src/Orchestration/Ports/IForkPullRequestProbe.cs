namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// Whether this run builds a pull request whose head lives in another repository (a fork), whose code must not write the
/// cache the base repository's own jobs start from. Read once, at setup; the answer becomes part of the setup's facts.
/// </summary>
public interface IForkPullRequestProbe
{
    ForkCheck Check();
}
