using System.Diagnostics;
using System.Globalization;
using Blacksmith.Replay;

namespace Blacksmith.Benchmarks;

/// <summary>
/// Scenarios replayed per second on one thread: every file of tests/scenarios, loaded once, replayed in rounds
/// through the real lifecycle code in the scripted world (virtual time, no processes).
/// </summary>
internal static class ReplayBenchmark
{
    private const int Rounds = 20;

    public static int Run()
    {
        var directory = Path.Combine(CheckoutRoot.Find(), "tests", "scenarios");
        var scenarios = Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(ReplayInput.Load).ToList();

        // One warm-up round: the first replay of each code path pays for JIT compilation.
        foreach (var scenario in scenarios)
        {
            _ = ReplayRunner.Run(scenario);
        }

        var perRound = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var scenario in scenarios)
            {
                _ = ReplayRunner.Run(scenario);
            }

            perRound.Add(scenarios.Count / clock.Elapsed.TotalSeconds);
        }

        perRound.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| scenarios replayed per second, one thread ({scenarios.Count} scenarios x {Rounds} rounds) | median {perRound[Rounds / 2]:0} | p10 {perRound[Rounds / 10]:0} | target ≥ 1000: {(perRound[Rounds / 2] >= 1000 ? "met" : "not met")} |"));
        return 0;
    }
}
