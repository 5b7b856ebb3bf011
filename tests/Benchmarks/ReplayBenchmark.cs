using System.Runtime.Versioning;

namespace Blacksmith.Benchmarks;

/// <summary>
/// Scenarios replayed per second on one thread: every file of tests/scenarios replayed in rounds by tests/Tools/ReplayRounds,
/// once from its JIT build and once published Native AOT with blacksmith's properties (eng/StepProcess.props).
/// blacksmith replay ships as Native AOT, so the target is judged on that row; the JIT row says what the tests and an
/// embedder see.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class ReplayBenchmark
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = CheckoutRoot.Find();
        var project = Path.Combine(root, "tests", "Tools", "ReplayRounds");
        var scenarios = Path.Combine(root, "tests", "scenarios");

        // Built and published on every run, never reused from an earlier one: a binary left from before a change to the
        // replay code would time the old code. Both are incremental when nothing changed.
        Console.WriteLine("building tests/Tools/ReplayRounds (JIT) and publishing it (Native AOT)…");
        var built = await HostsBenchmark.RunAsync(HostsBenchmark.Start("dotnet", ["build", project, "-c", "Release", "--nologo"]), cancellationToken);
        if (built.ExitCode != 0)
        {
            throw new InvalidOperationException($"building {project} failed: {built.Output}");
        }

        var published = Path.Combine(root, "publish", "replay-rounds", "linux-x64");
        await HostsBenchmark.PublishAotAsync(project, published, cancellationToken);

        Console.WriteLine($"load average {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0]}; the target is judged on the Native AOT row, what blacksmith replay ships");
        foreach (var (label, executable) in new[]
        {
            ("JIT", Path.Combine(project, "bin", "Release", "net10.0", "replay-rounds")),
            ("Native AOT", Path.Combine(published, "replay-rounds")),
        })
        {
            var run = await HostsBenchmark.RunAsync(HostsBenchmark.Start(executable, [scenarios, label]), cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"{executable} failed ({run.ExitCode}): {run.Error}");
            }

            Console.Write(run.Output);
        }

        return 0;
    }
}
