using Blacksmith.Hosting;
using System.CommandLine;
using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Hosting.Replay;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// <c>blacksmith replay FILE</c>: drives the real steps with a scripted world (a scenario file, or a recorded
/// journal) and shows the timeline, the decision and its reason, and the outputs. Exit 0 when the expectations hold,
/// 1 when they do not (or the replay diverged), 2 when the file is malformed.
/// </summary>
internal static class ReplayVerb
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A scenario (*.json), a recorded journal (journal.jsonl), or a job directory holding one." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("replay", "Replay a scenario or a recorded job against the real lifecycle code, with a scripted world instead of the system.")
        {
            file,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Scenario scenario;
            try
            {
                scenario = ReplayInput.Load(parse.GetValue(file)!);
            }
            catch (ScenarioFormatException ex)
            {
                await error.WriteLineAsync($"malformed: {ex.Message}");
                return ExitCodes.BadInput;
            }
            catch (FileNotFoundException ex)
            {
                await error.WriteLineAsync(ex.Message);
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
}
