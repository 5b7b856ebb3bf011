namespace Blacksmith.Orchestration.Ports;

/// <summary>What a readiness probe saw.</summary>
public enum DaemonProbeStatus
{
    /// <summary>The daemon lists at least one worker.</summary>
    Ready,

    /// <summary>Running, not answering yet (or no worker yet).</summary>
    NotReady,

    /// <summary>The process is gone: waiting longer cannot help.</summary>
    Exited,
}
