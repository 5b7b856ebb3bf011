using System.CommandLine;
using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Hosting;
using Blacksmith.Replay;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// <c>blacksmith replay FILE</c>: drives the real steps with a scripted world (a scenario file, or a recorded
/// journal) and shows the timeline, the decision and its reason, and the outputs. Exit 0 when the expectations hold,
/// 1 when they do not (or the replay diverged), 2 when the file is malformed. With <c>--fault-matrix</c> it replays
/// the standard job with every call faulted every way instead, and prints docs/reliability.md (exit 1 when a cell
/// shows a problem that is not a known gap).
/// </summary>
internal static class ReplayVerb
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "A scenario (*.json), a recorded journal (journal.jsonl), or a job directory holding one.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (the fields of the text report). Default: text. Flag only." };
        var faultMatrix = new Option<bool>("--fault-matrix") { Description = "Instead of a file: replay the standard job with each external call faulted each way, and print the matrix as markdown (docs/reliability.md). Default: off. Flag only." };
        var outputFile = new Option<string?>("--output") { Description = "With --fault-matrix: rewrite the generated tables of this markdown file (docs/reliability.md), keeping its prose; a file that does not exist yet gets the tables alone. Default: the tables on standard output. Flag only.", HelpName = "file" };
        var command = new Command("replay", "Replay a scenario or a recorded job against the real lifecycle code, with a scripted world instead of the system.")
        {
            file,
            json,
            faultMatrix,
            outputFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(faultMatrix))
            {
                return await FaultMatrixAsync(parse.GetValue(outputFile), output, error, cancellationToken);
            }

            if (parse.GetValue(file) is not { } path)
            {
                CliErrors.Write(parse, "replay needs a FILE (a scenario, a journal or a job directory), or --fault-matrix.");
                return ExitCodes.BadInput;
            }

            Scenario scenario;
            try
            {
                scenario = ReplayInput.Load(path);
            }
            catch (ScenarioFormatException ex)
            {
                CliErrors.Write(parse, $"malformed: {ex.Message}");
                return ExitCodes.BadInput;
            }
            catch (FileNotFoundException ex)
            {
                CliErrors.Write(parse, ex.Message);
                return ExitCodes.BadInput;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var report = ReplayRunner.Run(scenario);
            await output.WriteAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(report, CliJsonContext.Default.ReplayReport) + Environment.NewLine
                : ReplayText.Render(report));
            if (!report.Passed && !parse.GetValue(json))
            {
                await error.WriteLineAsync(report.Divergence is null
                    ? $"{report.Unmet.Count} expectation(s) not met: {string.Join("; ", report.Unmet)}"
                    : $"the replay diverged at {report.Divergence.Call}: {report.Divergence.Reason}");
            }

            return report.Passed ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static async Task<int> FaultMatrixAsync(string? path, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var cells = FaultMatrix.Generate();
        var sweep = SweepFaultMatrix.Generate();
        string markdown;
        try
        {
            markdown = path is not null && File.Exists(path)
                ? FaultMatrix.Markdown(await File.ReadAllTextAsync(path, cancellationToken), cells, sweep)
                : FaultMatrix.Tables(cells, sweep);
        }
        catch (InvalidDataException ex)
        {
            await error.WriteLineAsync($"blacksmith replay: {path} cannot take the fault matrix: {ex.Message}.");
            return ExitCodes.BadInput;
        }

        if (path is null)
        {
            await output.WriteAsync(markdown);
        }
        else
        {
            await File.WriteAllTextAsync(path, markdown, cancellationToken);
            await output.WriteLineAsync($"wrote {path}");
        }

        var problems = cells.Count(c => c.Problems.Count > 0 && c.KnownGap is null) + sweep.Count(c => c.Problems.Count > 0);
        if (problems > 0)
        {
            await error.WriteLineAsync($"{problems} cell(s) show a problem that is not a known gap: see the Problems section");
        }

        return problems == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
