using System.Collections;
using System.Runtime.InteropServices;

namespace Blacksmith.Benchmarks;

/// <summary>
/// What a GitHub runner gives a step's process (protocols §1.7): the GITHUB_*/RUNNER_* variables, fresh file-command
/// files per step, the action's inputs as INPUT_*, saved state as STATE_*; here also the doubles first on PATH, and the
/// job and store directories under the benchmark's own temporary directory.
/// </summary>
internal sealed class StepEnvironment
{
    private static readonly string[] Foreign = ["BLACKSMITH_", "GITHUB_", "RUNNER_", "INPUT_", "STATE_", "ACTIONS_", "DOCKER_", "BUILDX_", "BUILDKIT_", "OTEL_", "TRACEPARENT"];
    private readonly string _shims;
    private int _files;

    public StepEnvironment(string work, string shims, string spawnLog)
    {
        Work = work;
        SpawnLog = spawnLog;
        _shims = shims;
        Workspace = Directory.CreateDirectory(Path.Combine(work, "workspace")).FullName;
        File.WriteAllText(Path.Combine(Workspace, "Dockerfile"), "FROM alpine\nRUN echo built\n");
        RunnerTemp = Directory.CreateDirectory(Path.Combine(work, "runner-temp")).FullName;
        EventPath = Path.Combine(work, "event.json");
        File.WriteAllText(EventPath, "{}");
        DataDirectory = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
    }

    public string Work { get; }

    /// <summary>One line per docker, buildkitd or buildctl process the steps started (the shims write it).</summary>
    public string SpawnLog { get; }

    public string Workspace { get; }

    public string RunnerTemp { get; }

    public string EventPath { get; }

    public string DataDirectory { get; }

    /// <summary>A step of job <paramref name="job"/> (every step of one job shares its job directory).</summary>
    public Step Step(string job, string verb)
    {
        var directory = Path.Combine(Work, "jobs", job);
        Directory.CreateDirectory(directory);
        string NewFile(string prefix)
        {
            var path = Path.Combine(RunnerTemp, $"{prefix}{Interlocked.Increment(ref _files)}");
            File.WriteAllText(path, string.Empty);
            return path;
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_REPOSITORY"] = "acme/shop",
            ["GITHUB_REPOSITORY_OWNER"] = "acme",
            ["GITHUB_RUN_ID"] = "4200",
            ["GITHUB_RUN_ATTEMPT"] = "1",
            ["GITHUB_JOB"] = job,
            ["GITHUB_WORKFLOW"] = "ci",
            ["GITHUB_WORKSPACE"] = Workspace,
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_EVENT_PATH"] = EventPath,
            ["GITHUB_REF"] = "refs/heads/main",
            ["GITHUB_REF_NAME"] = "main",
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["GITHUB_ACTION"] = verb,
            ["RUNNER_OS"] = "Linux",
            ["RUNNER_ARCH"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ARM64" : "X64",
            ["RUNNER_TEMP"] = RunnerTemp,
            ["RUNNER_NAME"] = "benchmark-runner",
            ["GITHUB_ENV"] = NewFile("set_env_"),
            ["GITHUB_OUTPUT"] = NewFile("set_output_"),
            ["GITHUB_STATE"] = NewFile("save_state_"),
            ["GITHUB_PATH"] = NewFile("add_path_"),
            ["GITHUB_STEP_SUMMARY"] = NewFile("step_summary_"),
            ["BLACKSMITH_JOB_DIR"] = Path.Combine(directory, "job"),
            ["BLACKSMITH_DATA_DIR"] = DataDirectory,
            ["DOCKER_CONFIG"] = Path.Combine(directory, "docker"),
        };
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal) { ["CACHE-KEY"] = "bench", ["JOB-STATUS"] = "success" };
        return new Step(verb, Path.Combine(directory, "job"), variables, inputs, _shims);
    }

    /// <summary>The benchmark's own environment without anything a CI or an earlier run could have set for blacksmith.</summary>
    public static Dictionary<string, string> Inherited()
    {
        var inherited = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!Foreign.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)) && name != "CI")
            {
                inherited[name] = (string?)entry.Value ?? string.Empty;
            }
        }

        return inherited;
    }
}
