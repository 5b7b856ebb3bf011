// Scenarios replayed per second on one thread: every file of a directory (tests/scenarios), loaded once, replayed in
// rounds through the real lifecycle code in the scripted world (virtual time, no processes). tests/Benchmarks replay
// runs this program twice, from its JIT build and published Native AOT as blacksmith is, and prints both rows.
//   replay-rounds <scenarios directory> <row label>
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Blacksmith.Replay;

const int Rounds = 20;

// A warm-up round that compiles no more than this many methods leaves the JIT next to nothing to do.
const int QuietJit = 10;
const int MaxWarmUps = 40;

if (args.Length != 2 || !Directory.Exists(args[0]))
{
    await Console.Error.WriteLineAsync("usage: replay-rounds <scenarios directory> <row label>");
    return 2;
}

var label = args[1];
var scenarios = Directory.EnumerateFiles(args[0]).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal))
    .Order(StringComparer.Ordinal).Select(ReplayInput.Load).ToList();

// Warm-up until the JIT is done: the first replay of each code path pays for its compilation, and tiered compilation
// recompiles the hot ones later, on a background thread that a busy machine starves; one round was not enough (the JIT
// was still at work through all the timed rounds). Native AOT has no JIT: the count stays 0 and one round warms the
// caches and the heap.
var warmUps = 0;
long compiled;
do
{
    compiled = JitInfo.GetCompiledMethodCount();
    foreach (var scenario in scenarios)
    {
        // A replay that went wrong (under Native AOT, say, something trimmed) could be fast for the wrong reason: the
        // figures count only when every scenario passes, as the scenario tests require.
        if (ReplayRunner.Run(scenario) is { Passed: false } report)
        {
            await Console.Error.WriteLineAsync($"replay-rounds: {scenario.Source} did not pass: {report.Divergence} {string.Join("; ", report.Unmet)}");
            return 1;
        }
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
    $"| {label}: scenarios replayed per second, one thread ({scenarios.Count} scenarios x {Rounds} rounds) | median {perRound[Rounds / 2]:0} | p10 {perRound[Rounds / 10]:0} | target ≥ 1000: {(perRound[Rounds / 2] >= 1000 ? "met" : "not met")} |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {label}: per scenario: process CPU, allocated on the replay thread; in all: gen0 collections, JIT time, warm-up rounds | {cpuPerScenario:0.000} ms ({1000 / cpuPerScenario:0} per CPU second) | {allocatedPerScenario / 1024:0} KiB | {collections} | {jitMs:0} ms | {warmUps} |"));
return 0;
