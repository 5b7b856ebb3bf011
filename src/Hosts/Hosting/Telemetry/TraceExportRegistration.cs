using Blacksmith.Infrastructure.Telemetry;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Telemetry;
using Blacksmith.Steps.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosting.Telemetry;

/// <summary>
/// Registers the export of the job's trace when, and only when, the standard OpenTelemetry variables ask for it:
/// with no endpoint set (or <c>OTEL_SDK_DISABLED=true</c>) nothing is registered, so a post that exports nothing
/// builds no exporter and pays nothing for it.
/// </summary>
public static class TraceExportRegistration
{
    /// <summary>The W3C trace context a CI system gives a job's steps.</summary>
    public const string TraceParentVariable = "TRACEPARENT";

    public static IServiceCollection AddTraceExport(this IServiceCollection services, Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!OtlpSettings.Requested(read))
        {
            return services;
        }

        var settings = OtlpSettings.FromEnvironment(read, out var problem);
        if (settings is null && problem is null)
        {
            return services;
        }

        services.AddSingleton(new TraceExportRequest(TraceParent.Parse(read(TraceParentVariable)), problem));
        if (settings is not null)
        {
            services.AddSingleton<ITraceExporter>(new OtlpTraceExporter(settings));
            services.AddSingleton<JobTraceExport>();
        }

        return services;
    }
}
