using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Steps;
using Blacksmith.Steps.Job;

namespace Blacksmith.Replay;

/// <summary>
/// The inputs of a replayed setup that shape what it does, and the one mapping from them to the request
/// <see cref="JobDriver.SetupAsync"/> takes (whether it is a fork's pull request answers the driver's fork check). Kept in one small place so that the setup host's own input reading can feed
/// it, or replace it.
/// </summary>
/// <param name="CacheKey">The sticky-disk key.</param>
/// <param name="Store">Which sticky-disk store serves the key (<c>agent</c>, <c>local</c>...).</param>
/// <param name="Commit">When a successful job may commit.</param>
/// <param name="ForkPullRequest">Whether the job runs for a pull request from a fork.</param>
/// <param name="ReleaseOnSkip">Whether a skipped commit sends an explicit release.</param>
/// <param name="NoFallback">Whether a failed setup fails the step instead of falling back to a local builder.</param>
/// <param name="MountPoint">The BuildKit root the sticky disk is mounted at.</param>
/// <param name="DaemonAddress">The address buildkitd listens on.</param>
/// <param name="ReadyBudget">How long buildkitd may take to become ready; null for the setup host's (<see cref="StepBudgets.Hosts"/>).</param>
/// <param name="MaxCacheSizeMegabytes">The <c>max-cache-size-mb</c> input post prunes to; null for no limit.</param>
public sealed record SetupPlanInputs(
    string CacheKey,
    string Store = "agent",
    CommitMode Commit = CommitMode.Auto,
    bool ForkPullRequest = false,
    bool ReleaseOnSkip = true,
    bool NoFallback = false,
    string MountPoint = SetupPlanInputs.DefaultMountPoint,
    string DaemonAddress = SetupPlanInputs.DefaultDaemonAddress,
    TimeSpan? ReadyBudget = null,
    long? MaxCacheSizeMegabytes = null)
{
    /// <summary>Scenarios and old journals that name no root replay on a Blacksmith runner's.</summary>
    public const string DefaultMountPoint = Hosting.Composition.BlacksmithRunner.BuildkitRoot;

    public const string DefaultDaemonAddress = Hosting.Composition.BlacksmithRunner.BuildkitAddress;

    public SetupRequest ToRequest(string session, string jobDirectory) => new(
        session,
        CacheKey,
        Commit,
        new DaemonLaunch(DaemonAddress, MountPoint, jobDirectory),
        ReadyBudget ?? StepBudgets.Hosts.DaemonReady,
        NoFallback,
        MaxCacheSizeMegabytes)
    {
        Store = Store,
        ReleaseOnSkip = ReleaseOnSkip,
    };
}
