using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// A GitHub Actions runner machine in miniature, running workflow jobs against this repository's actions the way
/// the runner does (protocols §1): a fresh <c>node &lt;action&gt;/main.js</c> process per <c>uses:</c> step with
/// <c>INPUT_*</c> from <c>with:</c> and the action's defaults (a composite's one bash step instead, with only the
/// environment its <c>env</c> gives it), fresh env files per step, <c>run:</c> steps through bash,
/// main steps stopping at the first failure, post steps in reverse order with the state their main saved and the
/// inputs evaluated again (<c>job.status</c> included), and cancellation as SIGINT then SIGTERM.
/// </summary>
/// <remarks>
/// Every job gets its own runner temp directory, workspace, docker and buildx configuration, and runs with the process
/// doubles first on PATH and <c>BLACKSMITH_BINARY</c> at the JIT build. By default each job also gets its own BuildKit
/// root, daemon port and claims directory; a simulator made with <see cref="WithMachineDefaults"/> leaves the root and
/// address to the engine's defaults and shares one claims directory, as a real self-hosted machine does. The local
/// store's data directory belongs to the machine, so a later job finds what an earlier one committed. Jobs may run
/// at the same time. After each job (once no other job is running) the simulator removes and reports anything left
/// running, mounted or attached under its directory or at a BuildKit root named by one of its job directories.
/// </remarks>
internal sealed partial class RunnerSimulator : IAsyncDisposable
{
    /// <summary>What <c>${{ github.token }}</c> gives: a secret-shaped value the hosts must never print.</summary>
    public const string GitHubToken = "ghs_simulatedtoken0123456789abcdefABCDEF";

    public const string DefaultDockerfile = "FROM alpine\nRUN echo built\n";

    // What the runner's own environment must not pass on from the machine running the tests.
    private static readonly string[] ForeignPrefixes = ["BLACKSMITH_", "GITHUB_", "RUNNER_", "INPUT_", "STATE_", "ACTIONS_", "DOCKER_", "BUILDX_", "BUILDKIT_", "OTEL_", "TRACEPARENT"];

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blacksmith-runner-");
    private readonly List<string> _leftovers = [];
    private int _jobs;
    private int _running;

    private RunnerSimulator()
    {
        ProcessDoubles.WriteShims(Shims);
        Directory.CreateDirectory(DataDirectory);
    }

    /// <summary>The machine's local-store data directory (BLACKSMITH_DATA_DIR), shared by its jobs.</summary>
    public string DataDirectory => Path.Combine(_root.FullName, "data");

    /// <summary>Between SIGINT and SIGTERM when a step is cancelled; the runner's 7.5 s by default.</summary>
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// Whether every job's journal must replay to the same transitions and decision (issue 5). On by default; a test
    /// of a job that writes no journal turns it off and asserts that itself, so the exception is visible in the test.
    /// </summary>
    public bool RequireRoundTrip { get; init; } = true;

    /// <summary>Variables set where the runner runs (its own environment), e.g. a Blacksmith runner's.</summary>
    public Dictionary<string, string> MachineEnvironment { get; } = new(StringComparer.Ordinal);

    public string Repository { get; init; } = "acme/shop";

    public string Workflow { get; init; } = "ci";

    /// <summary>
    /// Whether jobs run with the engine's own defaults for what a machine's jobs must not share: no
    /// <c>BLACKSMITH_BUILDKIT_ROOT</c> or <c>BLACKSMITH_BUILDKIT_ADDRESS</c> (each job derives its own from its job
    /// directory), and one claims directory for the machine. Otherwise each job is given a root, a loopback port and a
    /// claims directory of its own: the simulator has no <c>Runner.Worker</c>, so a claim's owner is the node launcher,
    /// gone right after setup, and a later job's setup would take a job still running for a killed one.
    /// </summary>
    public bool MachineDefaults { get; private init; }

    private string Shims => Path.Combine(_root.FullName, "bin");

    public static RunnerSimulator Create() => new();

    /// <summary>A machine whose jobs use the engine's default BuildKit root and address and share the claims directory.</summary>
    public static RunnerSimulator WithMachineDefaults() => new() { MachineDefaults = true };

    /// <summary>Where the jobs' BuildKit roots are when the engine derives them (this process runs as root, as the hosts do).</summary>
    private static string RootsDirectory => Infrastructure.Buildkit.JobBuildkitPaths.RootsDirectory(Environment.GetEnvironmentVariable, Privilege.Current.IsRoot);

    /// <summary>Runs one job to its end, post steps included.</summary>
    /// <param name="steps">The job's steps.</param>
    /// <param name="jobEnvironment">The job's <c>env:</c> (also where the doubles' faults go).</param>
    /// <param name="job">GITHUB_JOB: with the repository and workflow, the default cache key.</param>
    public async Task<JobResult> RunJobAsync(IReadOnlyList<WorkflowStep> steps, IReadOnlyDictionary<string, string>? jobEnvironment = null, string job = "build")
    {
        var number = Interlocked.Increment(ref _jobs);
        var directory = Directory.CreateDirectory(Path.Combine(_root.FullName, "jobs", number.ToString(CultureInfo.InvariantCulture))).FullName;
        var runnerTemp = Directory.CreateDirectory(Path.Combine(directory, "_temp")).FullName;
        var workspace = Directory.CreateDirectory(Path.Combine(directory, "workspace")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workspace, "Dockerfile"), DefaultDockerfile);
        var eventPath = Path.Combine(directory, "event.json");
        await File.WriteAllTextAsync(eventPath, """{"ref":"refs/heads/main"}""");

        var environment = BaseEnvironment();
        foreach (var (name, value) in MachineEnvironment)
        {
            environment[name] = value;
        }

        environment["BLACKSMITH_BINARY"] = BlacksmithBinary.Path;
        environment["BLACKSMITH_DATA_DIR"] = DataDirectory;
        if (MachineDefaults)
        {
            environment["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(_root.FullName, "claims");
        }
        else
        {
            environment["BLACKSMITH_BUILDKIT_ROOT"] = Path.Combine(directory, "buildkit");
            environment["BLACKSMITH_BUILDKIT_ADDRESS"] = $"tcp://127.0.0.1:{FreeLoopbackPort()}";
            environment["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(directory, "claims");
        }

        environment["DOCKER_CONFIG"] = Path.Combine(directory, "docker");
        environment["BUILDX_CONFIG"] = Path.Combine(directory, "buildx");
        foreach (var (name, value) in jobEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var context = new JobContext(environment, workspace, runnerTemp)
        {
            Runner = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["GITHUB_ACTIONS"] = "true",
                ["CI"] = "true",
                ["GITHUB_REPOSITORY"] = Repository,
                ["GITHUB_REPOSITORY_OWNER"] = Repository.Split('/')[0],
                ["GITHUB_RUN_ID"] = (4200 + number).ToString(CultureInfo.InvariantCulture),
                ["GITHUB_RUN_ATTEMPT"] = "1",
                ["GITHUB_JOB"] = job,
                ["GITHUB_WORKFLOW"] = Workflow,
                ["GITHUB_WORKSPACE"] = workspace,
                ["GITHUB_EVENT_NAME"] = "push",
                ["GITHUB_EVENT_PATH"] = eventPath,
                ["GITHUB_REF"] = "refs/heads/main",
                ["GITHUB_REF_NAME"] = "main",
                ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
                ["RUNNER_OS"] = "Linux",
                ["RUNNER_ARCH"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ARM64" : "X64",
                ["RUNNER_TEMP"] = runnerTemp,
                ["RUNNER_NAME"] = "simulated-runner",
            },
        };

        var results = new List<StepResult>();
        var posts = new Stack<(WorkflowStep Step, ActionManifest Action, IReadOnlyDictionary<string, string> State)>();
        using var cancellation = new CancellationTokenSource();
        Interlocked.Increment(ref _running);
        foreach (var step in steps)
        {
            if (context.Conclusion != JobConclusion.Success)
            {
                results.Add(Skipped(step, StepStage.Main));
                step.Ended?.TrySetResult();
                continue;
            }

            if (step.StartsAfter is { } turn)
            {
                await turn.WaitAsync(StepProcess.StepTimeout);
            }

            var action = step.Action is null ? null : ActionManifest.Load(Path.Combine(Actions.LauncherHarness.RepositoryRoot(), "actions", step.Action));
            StepResult result;
            try
            {
                result = await RunStageAsync(context, step, action, StepStage.Main, new Dictionary<string, string>(), cancellation);
            }
            finally
            {
                step.Ended?.TrySetResult();
            }

            results.Add(result);
            if (action?.Post is not null)
            {
                // The runner registers a post once its main has started, whatever main's outcome.
                posts.Push((step, action, result.State));
            }

            if (step.KillsRunner)
            {
                posts.Clear();
                break;
            }
        }

        while (posts.TryPop(out var post))
        {
            if (post.Action.PostIf != "always()")
            {
                throw new NotSupportedException($"the simulator evaluates post-if: always() only, not {post.Action.PostIf}");
            }

            results.Add(await RunStageAsync(context, post.Step, post.Action, StepStage.Post, post.State, cancellation: null));
        }

        // A killed runner's leftovers are the next job's to find; the simulator's dispose removes them in the end. A job
        // running beside this one still holds what it holds: the machine is checked once the last running job ends.
        var last = Interlocked.Decrement(ref _running) == 0;
        IReadOnlyList<string> leftovers = steps.Any(s => s.KillsRunner) || !last ? [] : await Leftovers.CleanAsync(_root.FullName, RootsDirectory);
        _leftovers.AddRange(leftovers);
        var jobDirectory = Infrastructure.Journal.JobDirectory.Resolve(null, name => context.Runner.GetValueOrDefault(name), Path.GetTempPath()).Path;
        var finished = new JobResult(context.Conclusion, results, jobDirectory, environment.Concat(context.Runner).ToDictionary(), leftovers, JournalRoundTrip.Replay(jobDirectory));

        // The whole log of every job goes with the test's output, shown when it fails.
        TestContext.Current.TestOutputHelper?.WriteLine(finished.ToString());
        if (RequireRoundTrip)
        {
            JournalRoundTrip.AssertReproduces(finished);
        }

        return finished;
    }

    /// <summary>Runs the blacksmith executable (e.g. <c>status --json</c>) in a finished job's environment.</summary>
    public static Task<CliResult> BlacksmithAsync(JobResult job, params string[] arguments) =>
        CliProcess.RunAsync([BlacksmithBinary.Path, .. arguments], job.Environment.ToDictionary(e => e.Key, e => (string?)e.Value));

    /// <summary><c>blacksmith status --json</c> of a finished job.</summary>
    public static async Task<JsonElement> StatusAsync(JobResult job)
    {
        var status = await BlacksmithAsync(job, "status", "--json", "--job-dir", job.JobDirectory);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var document = JsonDocument.Parse(status.Output);
        return document.RootElement.Clone();
    }

    /// <summary>The committed generations of <paramref name="cacheKey"/> in the machine's local store.</summary>
    public async Task<IReadOnlyList<long>> GenerationsAsync(string cacheKey)
    {
        using var admin = new LocalStoreAdmin(
            new LocalStoreOptions(DataDirectory),
            new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System),
            TimeProvider.System,
            NullLogger<LocalStoreAdmin>.Instance);
        var listing = await admin.ListAsync(CancellationToken.None);
        return listing.Keys.FirstOrDefault(k => k.Key == cacheKey)?.Generations.Select(g => g.Number).ToList() ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        _leftovers.AddRange(await Leftovers.CleanAsync(_root.FullName, RootsDirectory));
        _leftovers.AddRange(Leftovers.RemoveRoots(_root.FullName, RootsDirectory));
        _root.Delete(recursive: true);
        if (_leftovers.Count > 0)
        {
            throw new InvalidOperationException($"jobs left these behind (removed now): {string.Join("; ", _leftovers)}");
        }
    }

    private async Task<StepResult> RunStageAsync(
        JobContext context,
        WorkflowStep step,
        ActionManifest? action,
        StepStage stage,
        IReadOnlyDictionary<string, string> savedState,
        CancellationTokenSource? cancellation)
    {
        // Fresh file-command files before every step; the previous step's are deleted (protocols §1.2).
        var files = Path.Combine(context.RunnerTemp, "_runner_file_commands");
        if (Directory.Exists(files))
        {
            Directory.Delete(files, recursive: true);
        }

        Directory.CreateDirectory(files);
        string NewFile(string prefix)
        {
            var path = Path.Combine(files, prefix + Guid.NewGuid().ToString("D"));
            File.WriteAllBytes(path, []);
            return path;
        }

        var fileCommands = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GITHUB_ENV"] = NewFile("set_env_"),
            ["GITHUB_OUTPUT"] = NewFile("set_output_"),
            ["GITHUB_STATE"] = NewFile("save_state_"),
            ["GITHUB_PATH"] = NewFile("add_path_"),
            ["GITHUB_STEP_SUMMARY"] = NewFile("step_summary_"),
        };

        // In the order of protocols §1.7, later entries winning.
        var environment = new Dictionary<string, string>(context.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in context.ExportedVariables)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in step.Env)
        {
            environment[name] = value;
        }

        if (action?.Composite is { } composite)
        {
            // A composite's steps get no INPUT_* from the runner, only what their env says, evaluated now.
            var inputs = Inputs(action, step, context.Conclusion);
            foreach (var (name, value) in composite.Environment)
            {
                environment[name] = InputExpression().Replace(value, match => inputs.GetValueOrDefault(match.Groups["name"].Value, ""));
            }

            environment["GITHUB_ACTION_PATH"] = action.Directory;
        }
        else if (action is not null)
        {
            foreach (var (name, value) in Inputs(action, step, context.Conclusion))
            {
                environment[$"INPUT_{name.Replace(' ', '_').ToUpperInvariant()}"] = value;
            }
        }

        environment["PATH"] = string.Join(':', [.. context.AddedPaths, Shims, context.Environment.GetValueOrDefault("PATH", "/usr/bin:/bin")]);
        foreach (var (name, value) in context.Runner)
        {
            environment[name] = value;
        }

        environment["GITHUB_ACTION"] = step.Id;
        foreach (var (name, value) in fileCommands)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in savedState)
        {
            environment[$"STATE_{name}"] = value;
        }

        IReadOnlyList<string> command;
        if (action is not null && action.Composite is null)
        {
            command = ["node", Path.Combine(action.Directory, stage == StepStage.Main ? action.Main : action.Post!)];
        }
        else
        {
            var script = Path.Combine(context.RunnerTemp, $"{Guid.NewGuid():D}.sh");
            await File.WriteAllTextAsync(script, action?.Composite?.Script ?? step.Script);
            command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", script];
        }

        var run = await StepProcess.RunAsync(
            command,
            context.Workspace,
            environment,
            line =>
            {
                if (cancellation is not null && step.CancelWhen?.Invoke(line) == true)
                {
                    cancellation.Cancel();
                }
            },
            CancelGrace,
            cancellation?.Token ?? CancellationToken.None);

        var conclusion = cancellation?.IsCancellationRequested == true ? StepConclusion.Cancelled
            : run.ExitCode == 0 ? StepConclusion.Success
            : StepConclusion.Failure;
        context.Conclusion = (context.Conclusion, conclusion) switch
        {
            (JobConclusion.Success, StepConclusion.Failure) when !step.ContinueOnError => JobConclusion.Failure,
            (_, StepConclusion.Cancelled) => JobConclusion.Cancelled,
            _ => context.Conclusion,
        };

        foreach (var (name, value) in EnvFile.Read(fileCommands["GITHUB_ENV"], StringComparer.Ordinal))
        {
            context.ExportedVariables[name] = value;
        }

        foreach (var path in (await File.ReadAllLinesAsync(fileCommands["GITHUB_PATH"])).Where(p => p.Length > 0))
        {
            context.AddedPaths.Remove(path);
            context.AddedPaths.Insert(0, path);
        }

        return new StepResult(
            step.Id,
            stage,
            conclusion,
            run,
            [.. run.Lines.Select(WorkflowCommands.ParseAnnotation).OfType<Annotation>()],
            EnvFile.Read(fileCommands["GITHUB_OUTPUT"], StringComparer.Ordinal),
            stage == StepStage.Main ? EnvFile.Read(fileCommands["GITHUB_STATE"], StringComparer.OrdinalIgnoreCase) : new Dictionary<string, string>(),
            await File.ReadAllTextAsync(fileCommands["GITHUB_STEP_SUMMARY"]),
            environment);
    }

    /// <summary>The inputs of one stage: <c>with:</c> values, then the action's defaults, evaluated now (protocols §1.1).</summary>
    private static Dictionary<string, string> Inputs(ActionManifest action, WorkflowStep step, JobConclusion conclusion)
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in step.With)
        {
            inputs[name] = Evaluate(value, conclusion);
        }

        foreach (var (name, value) in action.Defaults.Where(d => !inputs.ContainsKey(d.Key)))
        {
            inputs[name] = Evaluate(value, conclusion);
        }

        return inputs;
    }

    private static string Evaluate(string value, JobConclusion conclusion) => value.Trim() switch
    {
        "${{ job.status }}" => conclusion.ToString().ToLowerInvariant(),
        "${{ github.token }}" => GitHubToken,
        var other when other.Contains("${{", StringComparison.Ordinal) => throw new NotSupportedException($"the simulator does not evaluate {other}"),
        _ => value,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\{\{ *inputs\.(?<name>[A-Za-z0-9_-]+) *\}\}")]
    private static partial System.Text.RegularExpressions.Regex InputExpression();

    private static StepResult Skipped(WorkflowStep step, StepStage stage) =>
        new(step.Id, stage, StepConclusion.Skipped, null, [], new Dictionary<string, string>(), new Dictionary<string, string>(), "", new Dictionary<string, string>());

    private static Dictionary<string, string> BaseEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!ForeignPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) && name is not ("CI" or "NODE_OPTIONS"))
            {
                environment[name] = (string?)entry.Value ?? "";
            }
        }

        return environment;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>What persists between the steps of one job.</summary>
    private sealed class JobContext(Dictionary<string, string> environment, string workspace, string runnerTemp)
    {
        public Dictionary<string, string> Environment { get; } = environment;

        public required Dictionary<string, string> Runner { get; init; }

        public string Workspace { get; } = workspace;

        public string RunnerTemp { get; } = runnerTemp;

        public Dictionary<string, string> ExportedVariables { get; } = new(StringComparer.Ordinal);

        public List<string> AddedPaths { get; } = [];

        public JobConclusion Conclusion { get; set; } = JobConclusion.Success;
    }
}
