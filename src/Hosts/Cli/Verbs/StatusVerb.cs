using System.CommandLine;
using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Output;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Status;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith status</c>: a job's lifecycle from its journal.</summary>
internal static class StatusVerb
{
    public static Command Create()
    {
        var jobDir = CommonOptions.JobDirectory();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (state, timeline, builds, decision). Default: text. Flag only." };
        var command = new Command("status", "Show a job's lifecycle from its journal: state, timeline, builds, commit decision and reason.")
        {
            jobDir,
            json,
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
}
