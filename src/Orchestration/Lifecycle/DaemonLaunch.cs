namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>How to start buildkitd for this job.</summary>
/// <param name="Address">gRPC address to listen on, e.g. <c>tcp://127.0.0.1:1234</c>.</param>
/// <param name="Root">The BuildKit root (the sticky disk's mount point).</param>
/// <param name="JobDirectory">Where the daemon's config and log go (never the user's workspace).</param>
public sealed record DaemonLaunch(string Address, string Root, string JobDirectory);
