using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Job;

/// <summary>What a setup was asked for, read and checked by its host.</summary>
/// <param name="Session">This setup's session id.</param>
/// <param name="CacheKey">The sticky-disk key: the user's, or the default the host derived.</param>
/// <param name="Commit">When a successful job may commit.</param>
/// <param name="Daemon">Where buildkitd listens, the BuildKit root the disk is mounted at, and the job directory.</param>
/// <param name="ReadyBudget">How long buildkitd may take to become ready.</param>
/// <param name="NoFallback">Fail instead of falling back to a builder without the cache.</param>
/// <param name="MaxCacheSizeMegabytes">What post prunes the cache to; null for no limit.</param>
public sealed record SetupRequest(
    string Session,
    string CacheKey,
    CommitMode Commit,
    DaemonLaunch Daemon,
    TimeSpan ReadyBudget,
    bool NoFallback = false,
    long? MaxCacheSizeMegabytes = null)
{
    /// <summary>The store's name as the journal records it; null: the store's own (a replay names the scenario's).</summary>
    public string? Store { get; init; }

    /// <summary>Whether a skipped commit sends an explicit release (a replay's scenario may say not).</summary>
    public bool ReleaseOnSkip { get; init; } = true;
}
