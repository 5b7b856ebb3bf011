using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Blacksmith.Replay;

namespace Blacksmith.Benchmarks;

/// <summary>
/// Scenarios replayed per second on one thread: every file of tests/scenarios, loaded once, replayed in rounds
/// through the real lifecycle code in the scripted world (virtual time, no processes).
/// </summary>
internal static class ReplayBenchmark
{
    private const int Rounds = 20;

    // A warm-up round that compiles no more than this many methods leaves the JIT next to nothing to do.
    private const int QuietJit = 10;

    private const int MaxWarmUps = 40;

    public static int Run()
    {
        var directory = Path.Combine(CheckoutRoot.Find(), "tests", "scenarios");
        var scenarios = Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(ReplayInput.Load).ToList();

        // Warm-up until the JIT is done: the first replay of each code path pays for its compilation, and tiered
        // compilation recompiles the hot ones later, on a background thread that a busy machine starves; one round was
        // not enough (the JIT was still at work through all the timed rounds). blacksmith replay ships as Native AOT,
        // which has no JIT, so the steady state is the figure that stands for it.
        var warmUps = 0;
        long compiled;
        do
        {
            compiled = JitInfo.GetCompiledMethodCount();
            foreach (var scenario in scenarios)
            {
                _ = ReplayRunner.Run(scenario);
            }

            warmUps++;
        }
        while (JitInfo.GetCompiledMethodCount() - compiled > QuietJit && warmUps < MaxWarmUps);

        var jitBefore = JitInfo.GetCompilationTime();

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
        var jitMs = (JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds;
        perRound.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| scenarios replayed per second, one thread ({scenarios.Count} scenarios x {Rounds} rounds) | median {perRound[Rounds / 2]:0} | p10 {perRound[Rounds / 10]:0} | target ≥ 1000: {(perRound[Rounds / 2] >= 1000 ? "met" : "not met")} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| per scenario: process CPU, allocated on the replay thread; in all: gen0 collections, JIT time, warm-up rounds | {cpuPerScenario:0.000} ms ({1000 / cpuPerScenario:0} per CPU second) | {allocatedPerScenario / 1024:0} KiB | {collections} | {jitMs:0} ms | {warmUps} |"));
        return 0;
    }
}
