using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Benchmarks;

/// <summary>
/// (a) How fast a 10,000-record journal is read and folded; (b) how long one append takes while 1, 4 and 8 writer
/// processes append at once, each append being a turn in the queue, the lock, a write and an fsync.
/// </summary>
public static class JournalBenchmark
{
    private const int JournalRecords = 10_000;
    private const int Repetitions = 9;
    private const int Writers = 8;
    private const int AppendsPerWriter = 500;
    private const int BaselineAppends = 300;
    private static readonly TimeSpan WriterTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("blacksmith-bench-").FullName;
        try
        {
            Console.WriteLine($"journal benchmark ({Environment.ProcessorCount} CPUs, temp {root})");
            await FoldAsync(Path.Combine(root, "fold"), cancellationToken);
            await AppendLatencyAsync(Path.Combine(root, "single"), writers: 1, BaselineAppends, "1 writer process (no contention)", cancellationToken);
            // Four: as many builds of one job at once as the target names (each append at most 10 ms); eight for the tail.
            await AppendLatencyAsync(Path.Combine(root, "four"), 4, AppendsPerWriter, "4 concurrent writer processes (target: p99 ≤ 10 ms)", cancellationToken);
            await AppendLatencyAsync(Path.Combine(root, "eight"), Writers, AppendsPerWriter, $"{Writers} concurrent writer processes", cancellationToken);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task FoldAsync(string jobDir, CancellationToken cancellationToken)
    {
        var store = new JournalFile(jobDir);
        var drafts = RealisticJob(JournalRecords);
        foreach (var batch in drafts.Chunk(1_000))
        {
            await store.AppendAsync(long.MaxValue, _ => batch, cancellationToken);
        }

        var bytes = new FileInfo(store.Location).Length;
        var records = (await store.ReadAsync(0, cancellationToken)).Records;
        var load = new List<TimeSpan>();
        var read = new List<TimeSpan>();
        var fold = new List<TimeSpan>();
        LifecycleSnapshot? last = null;
        // Two extra rounds warm up the JIT and the page cache; they are not counted.
        for (var i = 0; i < Repetitions + 2; i++)
        {
            // A fresh instance each time, as each step's process starts with nothing cached.
            var journal = new LifecycleJournal(new JournalFile(jobDir), TimeProvider.System, NullLogger<LifecycleJournal>.Instance);
            var started = Stopwatch.GetTimestamp();
            last = await journal.LoadAsync("bench", cancellationToken);
            var loaded = Stopwatch.GetElapsedTime(started);

            started = Stopwatch.GetTimestamp();
            _ = await new JournalFile(jobDir).ReadAsync(0, cancellationToken);
            var parsed = Stopwatch.GetElapsedTime(started);

            started = Stopwatch.GetTimestamp();
            _ = LifecycleFold.Fold(LifecycleSnapshot.Initial("bench"), records);
            var folded = Stopwatch.GetElapsedTime(started);
            if (i >= 2)
            {
                load.Add(loaded);
                read.Add(parsed);
                fold.Add(folded);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"(a) fold: {records.Count:N0} records ({bytes / 1024.0:N0} KiB, ending in {last!.State} after {last.Builds.Count:N0} builds), median of {Repetitions}");
        Report("LoadAsync (lock, read, parse, fold)", load, records.Count);
        Report("ReadAsync only (lock, read, parse)", read, records.Count);
        Report("LifecycleFold.Fold only (in memory)", fold, records.Count);
    }

    private static void Report(string what, List<TimeSpan> times, int events)
    {
        var median = Median(times);
        Console.WriteLine($"    {what,-40} {median.TotalMilliseconds,8:N2} ms   {events / median.TotalSeconds,12:N0} events/s");
    }

    /// <summary>Setup, then builds from eight sessions, each start, build effect and finish journaled.</summary>
    private static List<JournalDraft> RealisticJob(int count)
    {
        var at = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var snapshot = LifecycleSnapshot.Initial("setup");
        var drafts = new List<JournalDraft>(count);

        void Fire(string session, LifecycleEvent @event)
        {
            at = at.AddMilliseconds(37);
            var moved = LifecycleMachine.Evaluate(snapshot, @event, new EventContext(session, at)) as LifecycleTransition.Moved
                ?? throw new InvalidOperationException($"{@event.Trigger} was refused in {snapshot.State}");
            drafts.Add(new JournalDraft(at, session, JournalRecordKind.Transition, @event.Trigger.ToString(), LifecycleEventCodec.Encode(moved.From, moved.To, @event)));
            snapshot = LifecycleFold.Apply(snapshot, drafts[^1].WithSequence(drafts.Count));
        }

        Fire("setup", new SetupStarted(new SetupFacts("acme/web", "agent")));
        Fire("setup", new DiskExposed("exp-5d21", "/dev/vdb"));
        Fire("setup", new DiskMounted("/var/lib/buildkit", Formatted: false));
        Fire("setup", new DaemonSpawned(new DaemonIdentity(4312, 883104, "tcp://127.0.0.1:1234")));
        Fire("setup", new DaemonReady(412));
        Fire("setup", new BuilderRegistered("blacksmith"));
        for (var build = 0; drafts.Count < count; build++)
        {
            var session = $"build-{build % 8}";
            var id = $"b-{build}";
            Fire(session, new BuildStarted(id, "web"));
            if (drafts.Count < count)
            {
                var effect = new EffectRecord("buildx", "build", new Dictionary<string, string> { ["target"] = "web", ["buildId"] = id }, EffectOutcome.Succeeded, 93_000 + build);
                drafts.Add(new JournalDraft(at, session, JournalRecordKind.Effect, "buildx.build", JsonSerializer.SerializeToElement(effect, JournalJsonContext.Default.EffectRecord)));
                snapshot = snapshot with { Sequence = drafts.Count };
            }

            if (drafts.Count < count)
            {
                Fire(session, new BuildFinished(id, build % 10 == 0 ? BuildOutcome.Failed : BuildOutcome.Succeeded));
            }
        }

        return drafts;
    }

    private static async Task AppendLatencyAsync(string jobDir, int writers, int appends, string label, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(WriterTimeout);
        var processes = new List<Process>();
        try
        {
            for (var writer = 0; writer < writers; writer++)
            {
                processes.Add(StartWriter(jobDir, writer, appends));
            }

            foreach (var process in processes)
            {
                if (await process.StandardOutput.ReadLineAsync(timeout.Token) != "ready")
                {
                    throw new InvalidOperationException($"writer {process.Id} did not start");
                }
            }

            var started = Stopwatch.GetTimestamp();
            foreach (var process in processes)
            {
                await process.StandardInput.WriteLineAsync("go");
                await process.StandardInput.FlushAsync(timeout.Token);
            }

            var outputs = new List<string>();
            foreach (var process in processes)
            {
                var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"writer {process.Id} exited with {process.ExitCode}: {await stderr}");
                }

                outputs.Add(await stdout);
            }

            var wall = Stopwatch.GetElapsedTime(started);
            var latencies = outputs
                .SelectMany(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipWhile(l => l != "latencies").Skip(1))
                .Select(l => long.Parse(l, CultureInfo.InvariantCulture))
                .Order()
                .ToArray();
            var records = (await new JournalFile(jobDir).ReadAsync(0, cancellationToken)).Records.Count;
            Console.WriteLine();
            Console.WriteLine($"(b) append latency, {label}: {latencies.Length:N0} appends ({appends} each), {records:N0} records in the journal");
            var p99 = Percentile(latencies, 0.99) / 1000.0;
            var target = writers == 4 ? $"   target p99 ≤ 10 ms: {(p99 <= 10 ? "met" : "not met")}" : "";
            Console.WriteLine($"    median {Percentile(latencies, 0.50) / 1000.0,8:N2} ms   p99 {p99,8:N2} ms   max {latencies[^1] / 1000.0,8:N2} ms{target}");
            Console.WriteLine($"    throughput {latencies.Length / wall.TotalSeconds,8:N0} appends/s over {wall.TotalSeconds:N1} s (each append: lock, read new lines, one write, fsync)");
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }

    private static Process StartWriter(string jobDir, int writer, int appends)
    {
        var tool = WriterTool();
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[tool, jobDir, writer.ToString(CultureInfo.InvariantCulture), appends.ToString(CultureInfo.InvariantCulture), "--wait", "--latency"])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
    }

    /// <summary>
    /// The writer in its own output, which the project reference builds in the benchmark's configuration: there its
    /// dependencies sit beside it, where the benchmark's output leaves Microsoft.Extensions.Logging.Abstractions to
    /// the ASP.NET Core framework the writer does not run on.
    /// </summary>
    private static string WriterTool()
    {
        var configuration = typeof(JournalBenchmark).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var tool = Path.Combine(CheckoutRoot.Find(), "tests", "Tools", "JournalWriter", "bin", configuration, "net10.0", "Blacksmith.Tools.JournalWriter.dll");
        return File.Exists(tool) ? tool : throw new InvalidOperationException($"The journal writer is not built at {tool}: dotnet build -c {configuration} tests/Benchmarks.");
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    // Nearest-rank percentile over sorted values.
    private static long Percentile(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
