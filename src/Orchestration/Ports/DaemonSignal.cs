namespace Blacksmith.Orchestration.Ports;

/// <summary>The signals post sends the daemon.</summary>
public enum DaemonSignal
{
    /// <summary>SIGTERM: the daemon shuts down gracefully.</summary>
    Terminate,

    /// <summary>SIGKILL: last resort after the grace period.</summary>
    Kill,
}
