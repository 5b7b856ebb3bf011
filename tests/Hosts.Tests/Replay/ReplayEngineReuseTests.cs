using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Replay;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// A replay runs on an engine kept from earlier replays (composed once, lent to one scenario at a time): a scenario's
/// report must not depend on which scenarios that engine ran before, nor on how many replays run at once.
/// </summary>
public sealed class ReplayEngineReuseTests
{
    [Fact]
    public void A_scenario_gives_the_same_report_whatever_ran_before_it_and_on_any_thread()
    {
        var scenarios = ScenarioLibrary.Files.Select(f => ReplayInput.Load(ScenarioLibrary.PathOf(f))).ToList();
        var forward = scenarios.Select(Report).ToList();

        // Backwards, so each engine has just run a different scenario than it had the first time.
        var backward = Enumerable.Reverse(scenarios).Select(Report).Reverse().ToList();
        // Several at once, so engines are borrowed concurrently and each thread keeps its own machine and pipelines.
        var parallel = new string[scenarios.Count];
        Parallel.For(0, scenarios.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, i => parallel[i] = Report(scenarios[i]));

        for (var i = 0; i < scenarios.Count; i++)
        {
            Assert.True(forward[i] == backward[i], $"{ScenarioLibrary.Files[i]} replayed differently after other scenarios");
            Assert.True(forward[i] == parallel[i], $"{ScenarioLibrary.Files[i]} replayed differently beside other replays");
        }
    }

    private static string Report(Scenario scenario) => JsonSerializer.Serialize(ReplayRunner.Run(scenario), CliJsonContext.Default.ReplayReport);
}
