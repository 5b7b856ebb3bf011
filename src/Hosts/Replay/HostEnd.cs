namespace Blacksmith.Replay;

/// <summary>How one host of a replayed job ended.</summary>
public enum HostEnd
{
    /// <summary>Ran to its end (whatever the lifecycle made of it).</summary>
    Completed,

    /// <summary>The lifecycle refused its first command: it did nothing.</summary>
    Refused,

    /// <summary>Killed as by SIGKILL where the scenario says; nothing after that point was done or journaled.</summary>
    Killed,

    /// <summary>Waited on a call that never answered and that nothing bounds: in a real job, the CI's step timeout ends it.</summary>
    Hung,

    /// <summary>Threw an exception that is not an external failure: the process would crash.</summary>
    Crashed,

    /// <summary>Stopped where the replay diverged from its script.</summary>
    Diverged,

    /// <summary>Never ran, because the replay had already diverged.</summary>
    NotRun,
}
