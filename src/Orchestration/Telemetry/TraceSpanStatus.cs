namespace Blacksmith.Orchestration.Telemetry;

/// <summary>A span's status, as OpenTelemetry defines it: unset unless something says it succeeded or failed.</summary>
public enum TraceSpanStatus
{
    Unset,
    Ok,
    Error,
}
