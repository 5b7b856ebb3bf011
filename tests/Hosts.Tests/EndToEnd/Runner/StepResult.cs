namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>One stage of one step as the runner recorded it.</summary>
/// <param name="Id">The step's id.</param>
/// <param name="Stage">Main (or a run: step) or post.</param>
/// <param name="Conclusion">Success, failure, cancelled, or skipped (no process ran).</param>
/// <param name="Run">The process's run; null when skipped.</param>
/// <param name="Annotations">The error, warning and notice commands it printed.</param>
/// <param name="Outputs">What it wrote to GITHUB_OUTPUT.</param>
/// <param name="State">What it wrote to GITHUB_STATE (main only reaches post).</param>
/// <param name="Summary">What it wrote to GITHUB_STEP_SUMMARY.</param>
/// <param name="Environment">The environment it ran with (INPUT_*, STATE_*...), for checking what the runner passed.</param>
internal sealed record StepResult(
    string Id,
    StepStage Stage,
    StepConclusion Conclusion,
    StepRun? Run,
    IReadOnlyList<Annotation> Annotations,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyDictionary<string, string> State,
    string Summary,
    IReadOnlyDictionary<string, string> Environment)
{
    public int ExitCode => Run?.ExitCode ?? throw new InvalidOperationException($"step {Id} ({Stage}) was skipped");

    public IEnumerable<string> Warnings => Annotations.Where(a => a.Kind == "warning").Select(a => a.Message);

    public IEnumerable<string> Errors => Annotations.Where(a => a.Kind == "error").Select(a => a.Message);

    public string Log => Run is null ? "(skipped)" : string.Join('\n', Run.Lines);

    public override string ToString() =>
        $"{(Stage == StepStage.Post ? "Post " : "")}{Id}: {Conclusion}{(Run is null ? "" : $" (exit {Run.ExitCode}{(Run.Signals.Count > 0 ? ", signals " + string.Join(',', Run.Signals) : "")})")}\n{Log}";
}
