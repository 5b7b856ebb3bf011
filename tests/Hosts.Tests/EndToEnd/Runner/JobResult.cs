namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>A simulated job's end: its status, each step stage in the order it ran, and where its journal is.</summary>
/// <param name="Conclusion">The job's status after its last post step.</param>
/// <param name="Steps">Main stages in workflow order, then post stages in the order they ran.</param>
/// <param name="JobDirectory">The job directory the hosts derive from RUNNER_TEMP and the job's ids.</param>
/// <param name="Environment">The job's environment (without a step's own variables), for running blacksmith status.</param>
/// <param name="Leftovers">Processes, mounts and loop devices the job left behind (removed by the simulator).</param>
/// <param name="Replay">The in-process replay of the job's journal (null: the job wrote no journal).</param>
internal sealed record JobResult(
    JobConclusion Conclusion,
    IReadOnlyList<StepResult> Steps,
    string JobDirectory,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> Leftovers,
    Blacksmith.Replay.ReplayReport? Replay)
{
    public StepResult Main(string id) => Steps.Single(s => s.Id == id && s.Stage == StepStage.Main);

    public StepResult Post(string id) => Steps.Single(s => s.Id == id && s.Stage == StepStage.Post);

    public IEnumerable<StepResult> Posts => Steps.Where(s => s.Stage == StepStage.Post);

    public override string ToString() =>
        $"job {Conclusion}, leftovers: [{string.Join("; ", Leftovers)}]\n" + string.Join("\n\n", Steps.Select(s => s.ToString()));
}
