namespace Blacksmith.Replay;

/// <summary>One way an external call can go wrong: a column of the fault matrix (<see cref="FaultMatrix"/>).</summary>
public enum FaultKind
{
    /// <summary>A permanent error (<c>Failed</c>) on every call: the other side refuses and will not change its mind.</summary>
    Error,

    /// <summary>A transient error (<c>Unavailable</c>) on every call: the retry logic retries until its deadline, and it never clears.</summary>
    Transient,

    /// <summary>A transient error on the first call only, then healthy: a blip the retry logic should absorb.</summary>
    Blip,

    /// <summary>The call reports a timeout (<c>Timeout</c>) on every call.</summary>
    Timeout,

    /// <summary>The call never answers, on every call: only the caller's own deadline ends it.</summary>
    Hang,

    /// <summary>
    /// A process dies, on the first call: for a call to the job's own daemon, buildkitd dies right after it; for any
    /// other call (and the daemon checks that run outside it), the adapter throws something that is not an external failure.
    /// </summary>
    Crash,

    /// <summary>The host process is killed (as by SIGKILL) right after the first call; the job's remaining hosts still run.</summary>
    HostKilled,
}
