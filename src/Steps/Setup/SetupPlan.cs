using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Setup;

/// <summary>Everything setup needs to know, gathered by the host from its inputs.</summary>
/// <param name="Session">This setup's session id.</param>
/// <param name="Setup">Cache key, store and commit settings.</param>
/// <param name="MountPoint">The BuildKit root to mount the sticky disk at.</param>
/// <param name="Daemon">How to start buildkitd.</param>
/// <param name="ReadyBudget">How long buildkitd may take to become ready.</param>
/// <param name="AllowFallback">Whether a failed setup falls back to a local builder (the inverse of nofallback).</param>
internal sealed record SetupPlan(
    string Session,
    SetupFacts Setup,
    string MountPoint,
    DaemonLaunch Daemon,
    TimeSpan ReadyBudget,
    bool AllowFallback);
