using Blacksmith.Infrastructure.Telemetry.Otlp;
using Blacksmith.Orchestration.Telemetry;
using Google.Protobuf;

namespace Blacksmith.Infrastructure.Telemetry;

/// <summary>Turns a job's trace into the OTLP export request: one resource (the service), one scope, every span.</summary>
internal static class OtlpRequest
{
    public static ExportTraceServiceRequest From(JobTrace trace, string serviceVersion)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = JobTraceBuilder.Scope, Version = serviceVersion } };
        var traceId = ByteString.CopyFrom(Convert.FromHexString(trace.TraceId));
        // Flags carry the W3C trace flags: sampled unless the CI's context said otherwise.
        var flags = trace.Parent is { Sampled: false } ? 0u : 1u;
        foreach (var span in trace.Spans)
        {
            var wire = new Span
            {
                TraceId = traceId,
                SpanId = ByteString.CopyFrom(Convert.FromHexString(span.SpanId)),
                Name = span.Name,
                Kind = span.Kind == TraceSpanKind.Call ? SpanKind.Client : SpanKind.Internal,
                StartTimeUnixNano = UnixNanos(span.Start),
                EndTimeUnixNano = UnixNanos(span.End),
                Status = new Status { Code = Code(span.Status), Message = span.StatusMessage ?? string.Empty },
                Flags = flags,
            };
            if (span.ParentSpanId is not null)
            {
                wire.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(span.ParentSpanId));
            }

            wire.Attributes.AddRange(span.Tags.Select(Value));
            foreach (var @event in span.Events)
            {
                var wireEvent = new SpanEvent { Name = @event.Name, TimeUnixNano = UnixNanos(@event.Time) };
                wireEvent.Attributes.AddRange(@event.Tags.Select(Value));
                wire.Events.Add(wireEvent);
            }

            scope.Spans.Add(wire);
        }

        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = JobTraceBuilder.Scope } });
        resource.Attributes.Add(new KeyValue { Key = "service.version", Value = new AnyValue { StringValue = serviceVersion } });
        var request = new ExportTraceServiceRequest();
        var resourceSpans = new ResourceSpans { Resource = resource };
        resourceSpans.ScopeSpans.Add(scope);
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    private static KeyValue Value(SpanTag tag)
    {
        var value = new AnyValue();
        if (tag.Number is { } number)
        {
            value.IntValue = number;
        }
        else if (tag.Flag is { } flag)
        {
            value.BoolValue = flag;
        }
        else
        {
            value.StringValue = tag.Text ?? string.Empty;
        }

        return new KeyValue { Key = tag.Key, Value = value };
    }

    private static StatusCode Code(TraceSpanStatus status) => status switch
    {
        TraceSpanStatus.Ok => StatusCode.Ok,
        TraceSpanStatus.Error => StatusCode.Error,
        _ => StatusCode.Unset,
    };

    private static ulong UnixNanos(DateTimeOffset time) => (ulong)(time.ToUniversalTime() - DateTimeOffset.UnixEpoch).Ticks * 100UL;
}
