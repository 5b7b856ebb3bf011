namespace Blacksmith.Orchestration.Ports;

/// <summary>Whether a signal reached the daemon.</summary>
public enum SignalDelivery
{
    Delivered,

    /// <summary>The process is gone, or its pid now belongs to another process (different start time).</summary>
    AlreadyGone,
}
