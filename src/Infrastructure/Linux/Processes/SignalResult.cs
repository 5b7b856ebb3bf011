namespace Blacksmith.Infrastructure.Processes;

/// <summary>What became of a signal sent to a process we started.</summary>
public enum SignalResult
{
    Delivered,

    /// <summary>The process has exited, or its pid now belongs to another process: nothing was signalled.</summary>
    Gone,
}
