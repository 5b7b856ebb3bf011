using System.Globalization;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Orchestration.Telemetry;
using Blacksmith.Steps.Recording;

namespace Blacksmith.Steps.Telemetry;

/// <summary>
/// Sends the job's lifecycle, as its journal tells it, to the user's OpenTelemetry collector as one trace. Post does
/// it last, and the export is journaled (<c>telemetry.export</c>, with the CI trace context it used) so that a re-export
/// of the finished job (<c>blacksmith status --otlp</c>) sends the same trace: same ids, same spans. Best effort: a
/// collector that is down or slow is a result to show, never an error of the step.
/// </summary>
internal sealed class JobTraceExport(IJournalStore journal, ITraceExporter exporter, EffectCalls calls)
{
    /// <summary>
    /// Exports the journal's trace under the CI trace context a previous export of this job used, else under
    /// <paramref name="ciContext"/> (<c>TRACEPARENT</c>), else as a trace of its own.
    /// </summary>
    public async Task<TraceExportResult> ExportAsync(TraceParent? ciContext, CancellationToken cancellationToken)
    {
        var records = (await journal.ReadAsync(0, cancellationToken)).Records;
        var parent = EarlierContext(records) ?? ciContext;
        var trace = JobTraceBuilder.Build(records, parent);
        if (trace is null)
        {
            return new TraceExportResult(null, 0, exporter.Destination, "the journal is empty: there is no trace to send");
        }

        var arguments = EffectCalls.Arguments(
            ("destination", exporter.Destination),
            ("traceId", trace.TraceId),
            ("traceparent", parent?.ToString()),
            ("spans", trace.Spans.Count.ToString(CultureInfo.InvariantCulture)));
        try
        {
            await calls.RunAsync(PortCalls.TelemetryExport, arguments, () => exporter.ExportAsync(trace, cancellationToken));
            return new TraceExportResult(trace.TraceId, trace.Spans.Count, exporter.Destination, null);
        }
        catch (ExternalCallException ex)
        {
            return new TraceExportResult(trace.TraceId, trace.Spans.Count, exporter.Destination, ex.Message);
        }
    }

    /// <summary>The CI trace context the job's first export used, so that every export of it is the same trace.</summary>
    private static TraceParent? EarlierContext(IReadOnlyList<JournalRecord> records) =>
        records.Where(r => r.Kind == JournalRecordKind.Effect && r.Type == PortCalls.TelemetryExport.Name)
            .Select(r => r.Payload.TryGetProperty("arguments", out var arguments)
                && arguments.ValueKind == JsonValueKind.Object
                && arguments.TryGetProperty("traceparent", out var value)
                && value.ValueKind == JsonValueKind.String
                    ? TraceParent.Parse(value.GetString())
                    : null)
            .FirstOrDefault(p => p is not null);
}
