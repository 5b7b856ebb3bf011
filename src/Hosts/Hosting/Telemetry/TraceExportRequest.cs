using Blacksmith.Orchestration.Telemetry;

namespace Blacksmith.Hosting.Telemetry;

/// <summary>
/// The user asked for the job's trace (an OTLP endpoint variable is set): under which CI trace context, or why the
/// variables cannot be used (<paramref name="Problem"/>, shown as a warning; the step goes on).
/// </summary>
public sealed record TraceExportRequest(TraceParent? CiContext, string? Problem);
