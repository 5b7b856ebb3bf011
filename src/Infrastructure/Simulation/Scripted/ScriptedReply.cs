namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>How a scripted call ends.</summary>
public enum ScriptedReply
{
    /// <summary>Succeeds, returning the answer's value (or nothing, for a method without one).</summary>
    Returns,

    /// <summary>Fails with an <c>ExternalCallException</c> of the answer's error kind (a timeout is the kind <c>Timeout</c>).</summary>
    Fails,

    /// <summary>Never answers; ends only when the caller's token is cancelled (a deadline, or never).</summary>
    Hangs,

    /// <summary>Throws an exception that is not an external failure: an adapter bug, as a recording may hold one.</summary>
    Crashes,
}
