using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json;

namespace Blacksmith.Benchmarks;

/// <summary>
/// The hosts as the runner starts them, fresh processes with a GitHub runner's step environment, timed with public
/// tools in one run beside the floor (a Native AOT program whose Main returns 0, tests/Tools/Floor, published with
/// blacksmith's properties): hyperfine for wall time after warm-up, /usr/bin/time for peak RSS, strace for fsync time. Then whole jobs (setup, one build, post with commit) with the buildkitd,
/// buildctl and docker doubles and the local store on loop devices, and readiness against a daemon that starts late.
/// Uses the Native AOT binary in dist/linux-x64 (eng/publish.sh) unless given one. Needs hyperfine
/// (<c>apt-get install -y --no-install-recommends hyperfine</c>), strace, and root for the loop devices.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class HostsBenchmark
{
    // post beside the floor: rounds of a few runs each, every round timing both, so that the machine's drift from minute to
    // minute (±10 % on a slow guest) falls on both sides of each round's ratio instead of on one command's whole series.
    private const int Rounds = 10;
    private const int RoundWarmup = 2;
    private const int RoundRuns = 10;
    private const int RssRuns = 9;
    private const int Jobs = 6;
    private static readonly int[] ReadyAfterMs = [0, 300, 1000, 2000];

    /// <param name="binary">The blacksmith to measure; dist/linux-x64/blacksmith when null.</param>
    /// <param name="readinessOnly">Only the readiness part (no floor, no hyperfine runs, no warm jobs).</param>
    /// <param name="cancellationToken">Stops the benchmark.</param>
    public static async Task<int> RunAsync(string? binary, bool readinessOnly, CancellationToken cancellationToken)
    {
        foreach (var tool in new[] { "hyperfine", "strace" })
        {
            if (Which(tool) is null)
            {
                await Console.Error.WriteLineAsync($"hosts: {tool} is not installed; run apt-get install -y --no-install-recommends {tool}");
                return 2;
            }
        }

        var root = CheckoutRoot.Find();
        binary ??= Path.Combine(root, "dist", "linux-x64", "blacksmith");
        if (!File.Exists(binary))
        {
            await Console.Error.WriteLineAsync($"hosts: no blacksmith at {binary}; run eng/publish.sh linux-x64, or name the binary");
            return 2;
        }

        var floor = readinessOnly ? null : await FloorAsync(root, cancellationToken);
        var work = Directory.CreateTempSubdirectory("blacksmith-bench-");
        try
        {
            Console.WriteLine($"blacksmith: {binary}");
            Console.WriteLine($"floor:      {floor}");
            Console.WriteLine($"machine:    {Environment.ProcessorCount} CPUs, load average {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0]} at the start");
            if (floor is not null)
            {
                var spawnLog = Path.Combine(work.FullName, "spawned.log");
                var runner = new StepEnvironment(work.FullName, await ShimDirectoryAsync(root, work.FullName, spawnLog, cancellationToken), spawnLog);
                await NothingToCleanUpAsync(binary, floor, runner, cancellationToken);
                await JobsAsync(binary, runner, cancellationToken);
            }

            await ReadinessAsync(root, binary, work.FullName, cancellationToken);
            if (floor is not null)
            {
                await LauncherBenchmark.RunAsync(root, work.FullName, cancellationToken);
            }

            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>post in a job without setup, against the floor, in one hyperfine run; peak RSS and fsync on their own.</summary>
    private static async Task NothingToCleanUpAsync(string binary, string floor, StepEnvironment runner, CancellationToken cancellationToken)
    {
        var step = runner.Step("post-nothing", "post");
        var floors = new List<double>();
        var posts = new List<double>();
        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            // The floor first in even rounds and second in odd ones, so neither always runs on the warmer machine.
            string[] floorFirst = ["-n", "floor", floor, "-n", "post", $"{binary} post"];
            string[] postFirst = ["-n", "post", $"{binary} post", "-n", "floor", floor];
            var results = await HyperfineAsync(
                Path.Combine(runner.Work, "hyperfine-post.json"),
                RoundWarmup,
                RoundRuns,
                ["--prepare", $"rm -rf {step.JobDirectory}", .. round % 2 == 0 ? floorFirst : postFirst],
                step.Apply,
                cancellationToken);
            floors.Add(results["floor"].WallMs);
            posts.Add(results["post"].WallMs);
            ratios.Add(results["post"].WallMs / results["floor"].WallMs);
        }

        var floorRss = await PeakRssAsync([floor], step, cancellationToken);
        var postRss = await PeakRssAsync([binary, "post"], step, cancellationToken);
        var (fsyncs, onJournal, fsyncMs) = await FsyncsAsync(binary, step, cancellationToken);
        var records = (await File.ReadAllLinesAsync(Path.Combine(step.JobDirectory, "journal.jsonl"), cancellationToken)).Length;

        Console.WriteLine();
        Console.WriteLine(
            $"post with nothing to clean up (hyperfine -N, {Rounds} rounds of {RoundRuns} runs each after {RoundWarmup} warm-up runs, both commands "
            + $"every round; medians of the rounds' medians; peak RSS median of {RssRuns})");
        Console.WriteLine("| measure | floor | post | target | met |");
        Console.WriteLine("|---|---|---|---|---|");
        var ratio = Median(ratios);
        Console.WriteLine(Invariant(
            $"| wall time (ms); post ÷ floor, median of the rounds' ratios (range) | {Median(floors):0.0} | {Median(posts):0.0}; {ratio:0.00}× ({ratios.Min():0.00}–{ratios.Max():0.00}) | ≤ 3× floor | {(ratio <= 3 ? "yes" : "no")} |"));
        Row("peak RSS (MiB)", floorRss, postRss, "≤ 16", postRss <= 16);
        // The other calls flush directories (the journal's, and the parent of a job directory post made): entries, not records.
        Console.WriteLine(Invariant($"| fsync: {fsyncs} calls, {onJournal} of them on the journal, for {records} journal records, total (ms, strace -T) | | {fsyncMs:0.00} | one per record at most | {(onJournal <= records ? "yes" : "no")} |"));
    }

    /// <summary>Whole jobs with the doubles: the first job formats the disk, the rest start warm from the last commit.</summary>
    private static async Task JobsAsync(string binary, StepEnvironment runner, CancellationToken cancellationToken)
    {
        var steps = new Dictionary<string, List<StepSample>>(StringComparer.Ordinal) { ["setup"] = [], ["build"] = [], ["post"] = [] };
        for (var job = 0; job < Jobs; job++)
        {
            foreach (var (verb, sample) in await JobAsync(binary, runner, $"job-{job}", readyAfterMs: null, cancellationToken))
            {
                // The first job formats a new disk: a cold start, not counted.
                if (job > 0)
                {
                    steps[verb].Add(sample);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"warm jobs with the doubles and the local store on loop devices (median of {Jobs - 1}; the first job, cold, not counted)");
        Console.WriteLine("| step | wall (ms) | external calls (ms) | our own time (ms) | last record to exit (ms) | docker, buildkitd, buildctl processes | target: own ≤ 30, exit ≤ 20 | met |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (verb, counted) in steps)
        {
            var own = Median(counted.Select(s => s.WallMs - s.ExternalMs));
            var tail = Median(counted.Select(s => s.TailMs));
            var spawned = string.Join(", ", counted.Select(s => s.Spawned).Distinct());
            Console.WriteLine(Invariant(
                $"| {verb} | {Median(counted.Select(s => s.WallMs)):0.0} | {Median(counted.Select(s => s.ExternalMs)):0.0} | {own:0.0} | {tail:0.0} | {spawned} | | {(own <= 30 && tail <= 20 ? "yes" : "no")} |"));
        }

        await FlushesPerStepAsync(binary, runner, cancellationToken);
    }

    /// <summary>
    /// One more warm job with each step under strace (its children left alone once they exec): the fsync calls each step
    /// made, on which files, beside the records it journaled. Its wall times are strace's, so it is not counted above.
    /// </summary>
    private static async Task FlushesPerStepAsync(string binary, StepEnvironment runner, CancellationToken cancellationToken)
    {
        var traces = Directory.CreateDirectory(Path.Combine(runner.Work, "flushes")).FullName;
        await JobAsync(binary, runner, "flushes", readyAfterMs: null, cancellationToken, traces);
        var jobDirectory = runner.Step("flushes", "post").JobDirectory;
        var journal = Path.Combine(jobDirectory, "journal.jsonl");
        var sessions = (await File.ReadAllLinesAsync(journal, cancellationToken)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("session").GetString() ?? "").ToList();
        Console.WriteLine();
        Console.WriteLine("fsync per step of one more warm job (strace -f -y -T; the step's children not traced once they exec)");
        Console.WriteLine("| step | records journaled | journal fsyncs | job directory fsyncs | other fsyncs (the store's files) | fsync time (ms) | no record fsynced twice |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var verb in (string[])["setup", "build", "post"])
        {
            var fsyncs = await FsyncTrace.ReadAsync(Path.Combine(traces, $"{verb}.strace"), cancellationToken);
            var onJournal = fsyncs.On(journal);
            var onDirectory = fsyncs.On(jobDirectory);
            // The step's records: setup's and post's share setup's session; metrics are unscoped, so they go by position.
            var records = RecordsOf(verb, sessions);
            Console.WriteLine(Invariant(
                $"| {verb} | {records} | {onJournal} | {onDirectory} | {fsyncs.Calls.Count - onJournal - onDirectory} | {fsyncs.Milliseconds:0.0} | {(onJournal <= records ? "yes" : "no")} |"));
        }
    }

    /// <summary>How many records a step of the traced job wrote: setup's up to the build's first, the build's, post's after it.</summary>
    private static int RecordsOf(string verb, List<string> sessions)
    {
        var firstBuild = sessions.FindIndex(s => s.StartsWith("build-", StringComparison.Ordinal));
        var lastBuild = sessions.FindLastIndex(s => s.StartsWith("build-", StringComparison.Ordinal));
        return verb switch
        {
            "setup" => firstBuild,
            "build" => lastBuild - firstBuild + 1,
            _ => sessions.Count - lastBuild - 1,
        };
    }

    /// <summary>
    /// Setups against a buildkitd that opens its address late: how long after it listened setup knew it was ready, and
    /// where that time went. The buildkitd and buildctl doubles run Native AOT here (published once into
    /// publish/doubles), as the real Go tools start in milliseconds: a JIT double's start would be most of what is
    /// measured. buildctl runs through a shim that notes when it started and ended.
    /// </summary>
    private static async Task ReadinessAsync(string root, string binary, string work, CancellationToken cancellationToken)
    {
        var doubles = await AotDoublesAsync(root, cancellationToken);
        var directory = Directory.CreateDirectory(Path.Combine(work, "readiness")).FullName;
        var spawnLog = Path.Combine(directory, "spawned.log");
        var buildctlLog = Path.Combine(directory, "buildctl.log");
        var shims = await ShimDirectoryAsync(root, directory, spawnLog, cancellationToken);
        foreach (var (executable, target) in new[] { ("buildkitd", Path.Combine(doubles, "buildkitd")), ("buildctl", Path.Combine(doubles, "buildctl")) })
        {
            var shim = Path.Combine(shims, executable);
            // bash's EPOCHREALTIME needs no process of its own, so the shim adds only its own start to buildctl's.
            await File.WriteAllTextAsync(shim, executable == "buildctl"
                ? $"#!/bin/bash\nt0=$EPOCHREALTIME\n'{target}' \"$@\"\nrc=$?\necho \"$t0 $EPOCHREALTIME\" >> '{buildctlLog}'\nexit $rc\n"
                : $"#!/bin/sh\nexec '{target}' \"$@\"\n", cancellationToken);
        }

        var runner = new StepEnvironment(directory, shims, spawnLog);
        Console.WriteLine();
        Console.WriteLine($"readiness: the daemon listening (its log) to DaemonReady in the journal, one setup each, the buildkitd and buildctl doubles Native AOT (load average {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0]})");
        Console.WriteLine("| daemon ready after (ms) | detected after it listened (ms) | listening to buildctl started (ms) | buildctl ran (ms) | buildctl exited to its probe's record (ms) | probe's record to DaemonReady (ms) | probes | target | met |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var after in ReadyAfterMs)
        {
            var name = $"ready-{after}";
            await JobAsync(binary, runner, name, after, cancellationToken);
            var job = runner.Step(name, "setup").JobDirectory;
            var records = (await File.ReadAllLinesAsync(Path.Combine(job, "journal.jsonl"), cancellationToken)).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            var ready = records.Last(r => r.GetProperty("type").GetString() == "DaemonReady").GetProperty("ts").GetDateTimeOffset();
            var probes = records.Where(r => r.GetProperty("type").GetString() == "buildkitd.probe").ToList();
            var probed = probes[^1].GetProperty("ts").GetDateTimeOffset();
            var listening = (await File.ReadAllLinesAsync(Path.Combine(job, "buildkitd.log"), cancellationToken)).Where(l => l.Contains("running server on", StringComparison.Ordinal))
                .Select(l => DateTimeOffset.Parse(l.Split('"')[1], CultureInfo.InvariantCulture)).First();
            // The confirmation: the last buildctl that ended before the probe was recorded.
            var confirmation = (await File.ReadAllLinesAsync(buildctlLog, cancellationToken))
                .Select(l => l.Split(' ').Select(t => DateTimeOffset.UnixEpoch.AddTicks((long)(double.Parse(t, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond))).ToArray())
                .Last(t => t[1] <= probed);
            var (started, ended) = (confirmation[0], confirmation[1]);
            var lag = (ready - listening).TotalMilliseconds;
            Console.WriteLine(Invariant(
                $"| {after} | {lag:0.0} | {(started - listening).TotalMilliseconds:0.0} | {(ended - started).TotalMilliseconds:0.0} | {(probed - ended).TotalMilliseconds:0.0} | {(ready - probed).TotalMilliseconds:0.0} | {probes.Count} | ≤ 50 | {(lag <= 50 ? "yes" : "no")} |"));
        }
    }

    /// <summary>The buildkitd and buildctl doubles published Native AOT into publish/doubles (once; the tests run their JIT builds).</summary>
    private static async Task<string> AotDoublesAsync(string root, CancellationToken cancellationToken)
    {
        var output = Path.Combine(root, "publish", "doubles", "linux-x64");
        foreach (var (project, executable) in new[] { ("Buildkitd", "buildkitd"), ("Buildctl", "buildctl") })
        {
            if (!File.Exists(Path.Combine(output, executable)))
            {
                Console.WriteLine($"publishing the {executable} double (tests/Doubles/{project}, Native AOT)…");
                await PublishAotAsync(Path.Combine(root, "tests", "Doubles", project), output, cancellationToken);
            }
        }

        return output;
    }

    /// <summary>A project published Native AOT for linux-x64 into <paramref name="output"/> (a minute or two on this machine).</summary>
    internal static async Task PublishAotAsync(string project, string output, CancellationToken cancellationToken)
    {
        var run = await RunAsync(Start("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "--nologo"]), cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"publishing {project} failed: {run.Output}");
        }
    }

    private static async Task<List<(string Verb, StepSample Sample)>> JobAsync(
        string binary, StepEnvironment runner, string name, int? readyAfterMs, CancellationToken cancellationToken, string? traces = null)
    {
        var samples = new List<(string, StepSample)>();
        var setup = runner.Step(name, "setup");
        if (readyAfterMs is { } after)
        {
            setup.Inputs["DRIVER-OPTS"] = $"env.BLACKSMITH_DOUBLE_FAULT=slow-start:{after}";
        }

        var post = runner.Step(name, "post");
        try
        {
            samples.Add(("setup", await StepAsync(binary, setup, runner, cancellationToken, traces)));
            post.Variables["STATE_session"] = (await EnvFileAsync(setup.StateFile, cancellationToken)).GetValueOrDefault("session")
                ?? throw new InvalidOperationException($"setup of {name} saved no session");
            var build = runner.Step(name, "build");
            build.Inputs["CONTEXT"] = runner.Workspace;
            build.Inputs["TAGS"] = "bench";
            samples.Add(("build", await StepAsync(binary, build, runner, cancellationToken, traces)));
        }
        finally
        {
            // Post always runs, as the runner runs it: no daemon, mount or loop device outlives the benchmark.
            samples.Add(("post", await StepAsync(binary, post, runner, cancellationToken, traces)));
        }

        return samples;
    }

    /// <summary>
    /// One step: its wall time, the external calls it journaled, and its last record to its exit; with
    /// <paramref name="traces"/>, under strace, its fsync calls written to <c>{verb}.strace</c> there.
    /// </summary>
    private static async Task<StepSample> StepAsync(string binary, Step step, StepEnvironment runner, CancellationToken cancellationToken, string? traces = null)
    {
        var journal = Path.Combine(step.JobDirectory, "journal.jsonl");
        var before = File.Exists(journal) ? (await File.ReadAllLinesAsync(journal, cancellationToken)).Length : 0;
        var spawnedBefore = await SpawnsAsync(runner, cancellationToken);
        // -b execve: a child is let go when it execs, so the daemon setup starts does not keep strace (and the step) alive.
        var info = traces is null
            ? Start(binary, [step.Verb])
            : Start("strace", ["-f", "-b", "execve", "-qq", "-y", "-T", "-e", "trace=fsync,fdatasync", "-o", Path.Combine(traces, $"{step.Verb}.strace"), binary, step.Verb]);
        step.Apply(info.Environment);
        var started = Stopwatch.GetTimestamp();
        var run = await RunAsync(info, cancellationToken);
        var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var exited = DateTimeOffset.UtcNow;
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"blacksmith {step.Verb} exited {run.ExitCode}: {run.Output}\n{run.Error}");
        }

        var records = (await File.ReadAllLinesAsync(journal, cancellationToken)).Skip(before).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var external = records.Where(r => r.GetProperty("kind").GetString() == "effect").Sum(r => r.GetProperty("payload").GetProperty("durationMs").GetDouble());
        var tail = records.Count == 0 ? double.NaN : (exited - records[^1].GetProperty("ts").GetDateTimeOffset()).TotalMilliseconds;
        var spawned = (await SpawnsAsync(runner, cancellationToken)).Skip(spawnedBefore.Count);
        return new StepSample(wall, external, tail, string.Join(' ', spawned.GroupBy(t => t, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}")));
    }

    /// <summary>Every docker, buildkitd and buildctl process started so far, in order: each shim notes its tool before it execs.</summary>
    private static async Task<List<string>> SpawnsAsync(StepEnvironment runner, CancellationToken cancellationToken) =>
        File.Exists(runner.SpawnLog) ? [.. await File.ReadAllLinesAsync(runner.SpawnLog, cancellationToken)] : [];

    private static async Task<double> PeakRssAsync(string[] command, Step step, CancellationToken cancellationToken)
    {
        var values = new List<double>();
        for (var i = 0; i < RssRuns; i++)
        {
            Fresh(step);
            var info = Start("/usr/bin/time", ["-f", "maxrss=%M", .. command]);
            step.Apply(info.Environment);
            var run = await RunAsync(info, cancellationToken);
            var line = run.Error.Split('\n').Last(l => l.StartsWith("maxrss=", StringComparison.Ordinal));
            values.Add(long.Parse(line["maxrss=".Length..], CultureInfo.InvariantCulture) / 1024.0);
        }

        return Median(values);
    }

    private static async Task<(int Calls, int OnJournal, double Milliseconds)> FsyncsAsync(string binary, Step step, CancellationToken cancellationToken)
    {
        Fresh(step);
        var trace = Path.Combine(Path.GetDirectoryName(step.JobDirectory)!, "fsync.strace");
        var info = Start("strace", ["-f", "-qq", "-y", "-T", "-e", "trace=fsync,fdatasync,syncfs", "-o", trace, binary, "post"]);
        step.Apply(info.Environment);
        await RunAsync(info, cancellationToken);
        var fsyncs = await FsyncTrace.ReadAsync(trace, cancellationToken);
        return (fsyncs.Calls.Count, fsyncs.On(Path.Combine(step.JobDirectory, "journal.jsonl")), fsyncs.Milliseconds);
    }

    /// <summary>The floor, published once into publish/floor (Native AOT takes a minute or two).</summary>
    private static async Task<string> FloorAsync(string root, CancellationToken cancellationToken)
    {
        var output = Path.Combine(root, "publish", "floor", "linux-x64");
        var floor = Path.Combine(output, "floor");
        if (!File.Exists(floor))
        {
            Console.WriteLine("publishing the floor (tests/Tools/Floor, Native AOT)…");
            await PublishAotAsync(Path.Combine(root, "tests", "Tools", "Floor"), output, cancellationToken);
        }

        return floor;
    }

    /// <summary>
    /// One script per double, named as the real tool, that notes itself and execs it: first on PATH, they shadow the
    /// machine's tools. The doubles are built here when missing, not referenced: a reference would bring their
    /// ASP.NET Core framework into this project's output and leave the journal writer without its assemblies.
    /// </summary>
    private static async Task<string> ShimDirectoryAsync(string root, string work, string spawnLog, CancellationToken cancellationToken)
    {
        var configuration = typeof(HostsBenchmark).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var directory = Directory.CreateDirectory(Path.Combine(work, "shims")).FullName;
        foreach (var (project, executable) in new[] { ("Docker", "docker"), ("Buildkitd", "buildkitd"), ("Buildctl", "buildctl") })
        {
            var target = Path.Combine(root, "tests", "Doubles", project, "bin", configuration, "net10.0", executable);
            if (!File.Exists(target))
            {
                var projectFile = Path.Combine(root, "tests", "Doubles", project, $"Blacksmith.Doubles.{project}.csproj");
                var built = await RunAsync(Start("dotnet", ["build", projectFile, "-c", configuration, "--nologo"]), cancellationToken);
                if (built.ExitCode != 0 || !File.Exists(target))
                {
                    throw new InvalidOperationException($"the {executable} double could not be built at {target}: {built.Output}");
                }
            }

            var shim = Path.Combine(directory, executable);
            await File.WriteAllTextAsync(shim, $"#!/bin/sh\necho {executable} >> '{spawnLog}'\nexec '{target}' \"$@\"\n", cancellationToken);
            File.SetUnixFileMode(shim, (UnixFileMode)0b111_101_101);
        }

        return directory;
    }

    private static async Task<Dictionary<string, string>> EnvFileAsync(string path, CancellationToken cancellationToken)
    {
        // The runner's file-command format: name=value, or name<<DELIMITER, the lines, DELIMITER.
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].IndexOf("<<", StringComparison.Ordinal) is var heredoc and > 0)
            {
                var delimiter = lines[i][(heredoc + 2)..];
                var end = Array.IndexOf(lines, delimiter, i + 1);
                values[lines[i][..heredoc]] = string.Join('\n', lines[(i + 1)..end]);
                i = end;
            }
            else if (lines[i].IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
            {
                values[lines[i][..equals]] = lines[i][(equals + 1)..];
            }
        }

        return values;
    }

    /// <summary>
    /// One <c>hyperfine -N</c> run after <paramref name="warmup"/> warm-up runs, with <paramref name="arguments"/> naming its
    /// commands (<c>-n NAME COMMAND</c>): by name, the median wall time and the mean CPU (user + sys), in milliseconds.
    /// </summary>
    internal static async Task<Dictionary<string, (double WallMs, double CpuMs)>> HyperfineAsync(
        string json, int warmup, int runs, IEnumerable<string> arguments, Action<IDictionary<string, string?>> environment, CancellationToken cancellationToken)
    {
        var hyperfine = Start("hyperfine", ["-N", "--warmup", Invariant($"{warmup}"), "--runs", Invariant($"{runs}"), "--export-json", json, .. arguments]);
        environment(hyperfine.Environment);
        var run = await RunAsync(hyperfine, cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"hyperfine failed: {run.Error}");
        }

        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(json, cancellationToken));
        return results.RootElement.GetProperty("results").EnumerateArray().ToDictionary(
            r => r.GetProperty("command").GetString()!,
            r => (r.GetProperty("median").GetDouble() * 1000, (r.GetProperty("user").GetDouble() + r.GetProperty("system").GetDouble()) * 1000),
            StringComparer.Ordinal);
    }

    internal static ProcessStartInfo Start(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo info, CancellationToken cancellationToken)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>A post with nothing to clean up each time: no journal from the run before.</summary>
    private static void Fresh(Step step)
    {
        if (Directory.Exists(step.JobDirectory))
        {
            Directory.Delete(step.JobDirectory, recursive: true);
        }
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static void Row(string name, double floor, double ours, string target, bool met) =>
        Console.WriteLine(Invariant($"| {name} | {floor:0.0} | {ours:0.0} | {target} | {(met ? "yes" : "no")} |"));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record StepSample(double WallMs, double ExternalMs, double TailMs, string Spawned);
}
