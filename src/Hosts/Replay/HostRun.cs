namespace Blacksmith.Replay;

/// <summary>One step of a replayed job: a host process (setup, build, post) or a step of the user's own.</summary>
/// <param name="Session">The session the host runs as (setup and its post share one).</param>
public abstract record HostRun(string Session)
{
    /// <summary><c>setup</c>, <c>build</c>, <c>post</c> or <c>foreign</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The host is killed right after it journals this transition (a trigger name), as by SIGKILL.</summary>
    public string? KilledAfter { get; init; }
}
