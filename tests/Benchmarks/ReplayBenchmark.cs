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

        // Wall time moves with whatever else the machine runs; the process's CPU time and the bytes the replay thread
        // allocates do not, so they are what a before/after pair on a busy machine compares.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var collectionsBefore = GC.CollectionCount(0);
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

        var replayed = (double)scenarios.Count * Rounds;
        var cpuPerScenario = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / replayed;
        var allocatedPerScenario = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / replayed;
        var collections = GC.CollectionCount(0) - collectionsBefore;
        perRound.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| scenarios replayed per second, one thread ({scenarios.Count} scenarios x {Rounds} rounds) | median {perRound[Rounds / 2]:0} | p10 {perRound[Rounds / 10]:0} | target ≥ 1000: {(perRound[Rounds / 2] >= 1000 ? "met" : "not met")} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| per scenario: process CPU, allocated on the replay thread, gen0 collections in all | {cpuPerScenario:0.000} ms ({1000 / cpuPerScenario:0} per CPU second) | {allocatedPerScenario / 1024:0} KiB | {collections} |"));
        return 0;
    }
}
