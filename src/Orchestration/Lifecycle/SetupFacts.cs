namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>What setup was asked for; fixed when setup starts.</summary>
/// <param name="CacheKey">The sticky-disk key.</param>
/// <param name="Store">Which sticky-disk store serves the key (e.g. <c>agent</c> or <c>local</c>).</param>
/// <param name="CommitMode">When a successful job may commit.</param>
/// <param name="ForkPullRequest">Whether the job runs for a pull request whose head is a fork.</param>
/// <param name="ReleaseOnSkip">Whether to send an explicit release (should_commit = false) when the commit is skipped.</param>
/// <param name="MaxCacheSizeMegabytes">
/// The <c>max-cache-size-mb</c> input: post prunes the cache down to this many megabytes (10^6 bytes, as buildctl
/// counts them) before stopping the daemon; no limit when null or not positive. Optional, so journals written before
/// it load.
/// </param>
/// <param name="Root">
/// The BuildKit root setup was given (where the disk is mounted), recorded so that a journal tells which root and
/// address a job used when each job has its own. Null in journals written before it was recorded.
/// </param>
/// <param name="Address">The daemon address setup was given; null in journals written before it was recorded.</param>
public sealed record SetupFacts(
    string CacheKey,
    string Store,
    CommitMode CommitMode = CommitMode.Auto,
    bool ForkPullRequest = false,
    bool ReleaseOnSkip = true,
    long? MaxCacheSizeMegabytes = null,
    string? Root = null,
    string? Address = null);
