using System.CommandLine;
using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Output;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Status;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith status</c>: a job's lifecycle from its journal.</summary>
internal static class StatusVerb
{
    public static Command Create()
    {
        var jobDir = CommonOptions.JobDirectory();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var command = new Command("status", "Show a job's lifecycle from its journal: state, timeline, builds, commit decision and reason.")
        {
            jobDir,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            JobDirectory directory;
            try
            {
                directory = JobDirectory.Resolve(parse.GetValue(jobDir), Environment.GetEnvironmentVariable);
            }
            catch (JobDirectoryException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
                return ExitCodes.BadInput;
            }

            var journal = new JournalFile(directory.Path);
            if (!File.Exists(journal.Location))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"No journal at {journal.Location}: no job has run with this job directory.");
                return ExitCodes.BadInput;
            }

            JournalReadResult read;
            try
            {
                read = await journal.ReadAsync(0, cancellationToken);
            }
            catch (JournalFormatException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"{journal.Location}: {ex.Message}");
                return ExitCodes.Failed;
            }

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
}
