using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Telemetry;

namespace Blacksmith.Steps.Job;

/// <summary>What a post step knows when it starts, read by its host.</summary>
/// <param name="SavedSession">The session setup's main step saved for this post; null when it saved none or it could not be read.</param>
/// <param name="FreshSession">A new session id, for a post that finds no setup at all.</param>
/// <param name="Launch">This job's daemon address, BuildKit root and job directory, where a killed setup's leftovers would be.</param>
/// <param name="PostPerSetup">Whether every setup gets a post of its own (GitHub Actions); see <see cref="Post.PostPlan"/>.</param>
public sealed record PostRequest(string? SavedSession, string FreshSession, DaemonLaunch Launch, bool PostPerSetup)
{
    /// <summary>What the host found reading the saved session, said when post drains the journal's builder.</summary>
    public IReadOnlyList<JobNote> SessionNotes { get; init; } = [];

    /// <summary>Why the job's trace cannot be sent as asked (its variables are unusable); said as a warning.</summary>
    public string? TraceProblem { get; init; }

    /// <summary>The CI's own trace, which the job's trace joins.</summary>
    public TraceParent? TraceContext { get; init; }

    /// <summary>The post of a host that ran setup itself as <paramref name="session"/> (a whole job in one process, a replay).</summary>
    public static PostRequest ForSession(string session, DaemonLaunch launch) => new(session, session, launch, PostPerSetup: true);
}
