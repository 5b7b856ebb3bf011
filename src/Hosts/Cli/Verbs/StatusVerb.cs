using System.CommandLine;
using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Hosting;
using Blacksmith.Orchestration.Status;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Hosting.Telemetry;
using Blacksmith.Infrastructure.Telemetry;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Orchestration.Telemetry;
using Blacksmith.Steps.Recording;
using Blacksmith.Steps.Telemetry;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith status</c>: a job's lifecycle from its journal.</summary>
internal static class StatusVerb
{
    public static Command Create()
    {
        var jobDir = CommonOptions.JobDirectory();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (state, timeline, builds, decision). Default: text. Flag only." };
        var otlp = new Option<bool>("--otlp")
        {
            Description = "Send the job's lifecycle as one OpenTelemetry trace to the collector that OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names, the same trace post sent, "
                + "instead of printing the status. Default: off. Flag only; protocol, headers and timeout from the OTEL_EXPORTER_OTLP_* variables (docs/observability.md).",
        };
        var command = new Command("status", "Show a job's lifecycle from its journal: state, timeline, builds, commit decision and reason.")
        {
            jobDir,
            json,
            otlp,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = JobDirectory.Resolve(parse.GetValue(jobDir), Environment.GetEnvironmentVariable);
            var journal = new JournalFile(directory.Path);
            if (!File.Exists(journal.Location))
            {
                CliErrors.Write(parse, File.Exists(directory.Path)
                    ? $"The job directory {directory.Path} is a file, not a directory; pass the job's directory with --job-dir."
                    : $"No journal at {journal.Location}: no job has run with this job directory. Pass the job's directory with --job-dir.");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(otlp))
            {
                return await ExportAsync(parse, journal, cancellationToken);
            }

            // A malformed journal throws: Program reports it (exit 1), as every verb does.
            var read = await journal.ReadAsync(0, cancellationToken);
            var status = JobStatus.From(read.Records);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(status, CliJsonContext.Default.JobStatus));
            }
            else
            {
                foreach (var warning in read.Warnings)
                {
                    await output.WriteLineAsync($"warning: {warning}");
                }

                await output.WriteAsync(StatusText.Render(status));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Re-sends a job's trace: not journaled, since the job is over and its journal is its own record.</summary>
    private static async Task<int> ExportAsync(ParseResult parse, JournalFile journal, CancellationToken cancellationToken)
    {
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        var settings = OtlpSettings.FromEnvironment(environment, out var problem);
        if (settings is null)
        {
            CliErrors.Write(parse, problem ?? "--otlp sends the job's trace to an OpenTelemetry collector: set OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) to its address, and leave OTEL_SDK_DISABLED unset.");
            return ExitCodes.BadInput;
        }

        var export = new JobTraceExport(journal, new OtlpTraceExporter(settings), new EffectCalls(new NoEffectRecorder(), TimeProvider.System));
        var result = await export.ExportAsync(TraceParent.Parse(environment(TraceExportRegistration.TraceParentVariable)), cancellationToken);
        if (!result.Exported)
        {
            CliErrors.Write(parse, $"could not send the job's trace to {result.Destination}: {result.Problem}");
            return ExitCodes.Failed;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync($"Trace {result.TraceId} ({result.Spans} spans) sent to {result.Destination}.");
        return ExitCodes.Success;
    }
}
