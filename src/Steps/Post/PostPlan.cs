using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Post;

/// <summary>What a post step knows when it starts.</summary>
/// <param name="SavedSession">The session setup's main step saved for this post, if it saved one.</param>
/// <param name="FreshSession">A new session id, for a post that finds no setup at all.</param>
/// <param name="Launch">This job's daemon address, BuildKit root and job directory, where a killed setup's leftovers would be.</param>
/// <param name="PostPerSetup">
/// Whether every setup gets a post of its own (GitHub Actions: each action invocation has its post and its saved state).
/// Elsewhere a job has one post, and the state one setup saved may be another setup's.
/// </param>
internal sealed record PostPlan(string? SavedSession, string FreshSession, DaemonLaunch Launch, bool PostPerSetup);
