using System.Globalization;
using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Infrastructure.Failpoints;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// One job on a <see cref="CrashMachine"/>, run as a generic CI runs it (GitLab's layout: <c>CI_JOB_ID</c>, each step a
/// fresh <c>blacksmith</c> process): the local store, the doubles first on PATH, the machine's claims directory, and the
/// job's own directory, BuildKit root and daemon address. Every step traces the kill points it passes; a step may be
/// killed at one.
/// </summary>
internal sealed class CrashJob
{
    /// <summary>The cache key of every job: the same key, so a later job would start from what a killed one committed.</summary>
    public const string CacheKey = "kill-points";

    // What the test host's own environment must not pass on to a step.
    private static readonly string[] ForeignPrefixes = ["BLACKSMITH_", "GITHUB_", "RUNNER_", "INPUT_", "STATE_", "ACTIONS_", "DOCKER_", "BUILDX_", "BUILDKIT_", "CI_", "GITLAB_", "BUILDKITE", "OTEL_", "TRACEPARENT"];

    private readonly CrashMachine _machine;
    private int _steps;

    public CrashJob(CrashMachine machine, int number, string address)
    {
        _machine = machine;
        Number = number;
        Address = address;
        var name = number.ToString(CultureInfo.InvariantCulture);
        JobDirectory = Path.Combine(machine.Root, "jobs", name);
        BuildkitRoot = Path.Combine(machine.Root, "roots", name);
    }

    public int Number { get; }

    public string JobDirectory { get; }

    public string BuildkitRoot { get; }

    public string Address { get; }

    public Task<StepRun> SetupAsync(KillPoint? kill = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("setup", [], kill, environment);

    public Task<StepRun> BuildAsync(KillPoint? kill = null) =>
        RunAsync("build", ["--context", _machine.Workspace, "--tags", $"kill-points:{Number}"], kill, null);

    /// <summary>Starts a build and returns it running, for a test that kills it at a moment it watches for itself.</summary>
    public System.Diagnostics.Process StartBuild(IReadOnlyDictionary<string, string> environment)
    {
        var (log, trace) = StepFiles("build");
        var variables = StepEnvironment(trace);
        foreach (var (variable, value) in environment)
        {
            variables[variable] = value;
        }

        return SessionProcess.Start(
            [BlacksmithBinary.Path, "build", "--context", _machine.Workspace, "--tags", $"kill-points:{Number}"], _machine.Workspace, variables, log);
    }

    /// <param name="jobStatus">What the CI says of the job's earlier steps (GitLab's <c>CI_JOB_STATUS</c>: success, failed).</param>
    /// <param name="kill">Where to kill it, if at all.</param>
    /// <param name="environment">Variables to add to the step's environment.</param>
    public Task<StepRun> PostAsync(string jobStatus, KillPoint? kill = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("post", ["--job-status", jobStatus], kill, environment);

    /// <summary>The job's journal as it is now.</summary>
    public async Task<IReadOnlyList<JournalRecord>> JournalAsync()
    {
        if (!File.Exists(Path.Combine(JobDirectory, JournalFile.JournalFileName)))
        {
            return [];
        }

        return (await new JournalFile(JobDirectory).ReadAsync(0, CancellationToken.None)).Records;
    }

    private async Task<StepRun> RunAsync(string verb, IReadOnlyList<string> arguments, KillPoint? kill, IReadOnlyDictionary<string, string>? extra)
    {
        var (log, trace) = StepFiles(verb);
        var environment = StepEnvironment(trace);
        if (kill is not null)
        {
            environment[TestFailpoints.KillAtVariable] = string.Create(CultureInfo.InvariantCulture, $"{kill.Point}#{kill.Hit}");
            environment[TestFailpoints.KillScopeVariable] = kill.Scope == KillScope.Group ? "group" : "process";
        }

        foreach (var (variable, value) in extra ?? new Dictionary<string, string>())
        {
            environment[variable] = value;
        }

        var exit = await SessionProcess.RunAsync([BlacksmithBinary.Path, verb, .. arguments], _machine.Workspace, environment, log);
        return new StepRun(verb, exit, log, trace);
    }

    private (string Log, string Trace) StepFiles(string verb)
    {
        var step = Interlocked.Increment(ref _steps);
        var name = string.Create(CultureInfo.InvariantCulture, $"job{Number}-{step}-{verb}");
        return (Path.Combine(_machine.Logs, name + ".log"), Path.Combine(_machine.Logs, name + ".trace"));
    }

    private Dictionary<string, string> StepEnvironment(string trace)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var variable = (string)entry.Key;
            if (!ForeignPrefixes.Any(p => variable.StartsWith(p, StringComparison.Ordinal)) && variable is not "CI")
            {
                environment[variable] = (string?)entry.Value ?? "";
            }
        }

        var number = Number.ToString(CultureInfo.InvariantCulture);
        environment["PATH"] = $"{_machine.Shims}:{environment.GetValueOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}";
        environment["CI"] = "true";
        environment["GITLAB_CI"] = "true";
        environment["CI_JOB_ID"] = number;
        environment[Infrastructure.Journal.JobDirectory.EnvironmentVariable] = JobDirectory;
        environment["BLACKSMITH_DATA_DIR"] = _machine.DataDirectory;
        environment["BLACKSMITH_CLAIMS_DIR"] = _machine.ClaimsDirectory;
        environment["BLACKSMITH_BUILDKIT_ROOT"] = BuildkitRoot;
        environment["BLACKSMITH_BUILDKIT_ADDRESS"] = Address;
        environment["BLACKSMITH_CACHE_KEY"] = CacheKey;
        environment["DOCKER_CONFIG"] = Path.Combine(_machine.Root, "docker", number);
        environment["BUILDX_CONFIG"] = Path.Combine(_machine.Root, "buildx", number);
        environment[TestFailpoints.TraceVariable] = trace;
        return environment;
    }
}
