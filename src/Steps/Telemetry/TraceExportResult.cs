namespace Blacksmith.Steps.Telemetry;

/// <summary>
/// What exporting a job's trace came to: the trace's id and size when it was sent, or why it was not. Never fails a
/// step: the host shows <paramref name="Problem"/> as a warning.
/// </summary>
internal sealed record TraceExportResult(string? TraceId, int Spans, string Destination, string? Problem)
{
    public bool Exported => Problem is null && TraceId is not null;
}
