using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Blacksmith.Benchmarks;

/// <summary>
/// Start-up and overhead of the hosts as the runner sees them: fresh processes. Uses the Native AOT binary in
/// dist/linux-x64 when it is there (eng/publish.sh), else the JIT build, and says which.
/// </summary>
internal static class HostsBenchmark
{
    private const int PostRuns = 20;
    private const int JobRuns = 8;

    public static async Task<int> RunAsync(string? binary, CancellationToken cancellationToken)
    {
        binary ??= Locate();
        Console.WriteLine($"binary: {binary}");
        var work = Directory.CreateTempSubdirectory("blacksmith-bench-");
        try
        {
            var post = new List<Sample>();
            var tails = new List<double>();
            for (var i = 0; i < PostRuns; i++)
            {
                var jobDir = Path.Combine(work.FullName, $"post-{i}");
                var sample = await RunOnceAsync(binary, ["post", "--store", "local", "--job-dir", jobDir, "--data-dir", Path.Combine(work.FullName, "data")], cancellationToken);
                post.Add(sample);
                tails.Add((sample.ExitedAt - LastRecord(Path.Combine(jobDir, "journal.jsonl"))).TotalMilliseconds);
            }

            var jobs = new List<(Sample Process, double JournalMs)>();
            for (var i = 0; i < JobRuns; i++)
            {
                var jobDir = Path.Combine(work.FullName, $"job-{i}");
                var sample = await RunOnceAsync(binary, ["run", "--simulate", "--builds", "3", "--job-dir", jobDir, "--data-dir", Path.Combine(work.FullName, "data")], cancellationToken);
                jobs.Add((sample, JournalSpanMs(Path.Combine(jobDir, "journal.jsonl"))));
            }

            Console.WriteLine();
            Console.WriteLine("| measure | median | p90 |");
            Console.WriteLine("|---|---|---|");
            Row("`post` with nothing to clean up: process start to exit (ms)", post.Select(s => s.WallMs));
            Row("`post`: its last journal record to process exit (ms)", tails);
            Row("`post`: peak RSS (MiB)", post.Where(s => s.PeakRssKb > 0).Select(s => s.PeakRssKb / 1024.0));
            Row("simulated job (setup, 3 builds, post, local store): process start to exit (ms)", jobs.Select(j => j.Process.WallMs));
            Row("simulated job: first to last journal record (ms)", jobs.Select(j => j.JournalMs));
            Row("simulated job: peak RSS (MiB)", jobs.Where(j => j.Process.PeakRssKb > 0).Select(j => j.Process.PeakRssKb / 1024.0));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void Row(string name, IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            Console.WriteLine($"| {name} | n/a | n/a |");
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted[sorted.Length / 2]:0.0} | {sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(sorted.Length * 0.9) - 1)]:0.0} |"));
    }

    /// <summary>One run, under /usr/bin/time when present (for the peak RSS).</summary>
    private static async Task<Sample> RunOnceAsync(string binary, string[] arguments, CancellationToken cancellationToken)
    {
        var timed = File.Exists("/usr/bin/time");
        var info = new ProcessStartInfo(timed ? "/usr/bin/time" : binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (timed)
        {
            info.ArgumentList.Add("-f");
            info.ArgumentList.Add("maxrss=%M");
            info.ArgumentList.Add(binary);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("GITHUB_ACTIONS");
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var ended = Stopwatch.GetTimestamp();
        var exitedAt = DateTimeOffset.UtcNow;
        await stdout;
        var errors = await stderr;
        var rss = errors.Split('\n').LastOrDefault(l => l.StartsWith("maxrss=", StringComparison.Ordinal)) is { } line
            ? long.Parse(line["maxrss=".Length..], CultureInfo.InvariantCulture)
            : 0;
        return new Sample(Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds, exitedAt, rss);
    }

    private static DateTimeOffset LastRecord(string journal) =>
        JsonDocument.Parse(File.ReadLines(journal).Last()).RootElement.GetProperty("ts").GetDateTimeOffset();

    private static double JournalSpanMs(string journal)
    {
        var stamps = File.ReadLines(journal).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ts").GetDateTimeOffset()).ToList();
        return stamps.Count < 2 ? 0 : (stamps[^1] - stamps[0]).TotalMilliseconds;
    }

    private static string Locate()
    {
        var root = CheckoutRoot.Find();
        var aot = Path.Combine(root, "dist", "linux-x64", "blacksmith");
        return File.Exists(aot) ? aot : Path.Combine(root, "src", "Hosts", "Cli", "bin", "Release", "net10.0", "blacksmith");
    }

    private sealed record Sample(double WallMs, DateTimeOffset ExitedAt, long PeakRssKb);
}
