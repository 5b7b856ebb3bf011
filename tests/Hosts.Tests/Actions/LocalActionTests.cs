using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Hosts.Tests.Node;

namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// GitHub's own tool for running an action on a developer's machine, @github/local-action, runs setup-docker-builder:
/// it loads the entry file as a module and calls its exported run(), with the environment from a .env file. The
/// binary is the JIT build (BLACKSMITH_BINARY), buildkitd, buildctl and docker are the process doubles, the store is a
/// local one in a temporary directory. Post runs under the tool too, so the test leaves nothing held.
/// </summary>
public sealed class LocalActionTests
{
    private const string CacheKey = "local-action";

    private static readonly string[] ForeignPrefixes = ["BLACKSMITH_", "GITHUB_", "RUNNER_", "INPUT_", "STATE_", "ACTIONS_", "DOCKER_", "BUILDX_", "BUILDKIT_", "npm_"];

    [RequiresRunnerFact]
    public async Task Setups_main_entry_runs_under_githubs_local_action_tool_and_sets_up_the_builder_with_its_outputs()
    {
        var node = NodeTools.Require("@github/local-action", "tsx");
        var root = Directory.CreateTempSubdirectory("blacksmith-local-action-").FullName;
        try
        {
            var job = await LocalJob.CreateAsync(root);

            var main = await RunToolAsync(node, job, "main.js", job.Variables);

            Assert.True(main.ExitCode == 0, main.ToString());
            // The tool's own banner: the action ran inside it, through run(), not as a script of its own.
            Assert.Contains("Running Action", main.Output, StringComparison.Ordinal);
            Assert.Contains("is ready: BuildKit at", main.Output, StringComparison.Ordinal);
            var outputs = EnvFile.Read(job.FileCommand("GITHUB_OUTPUT"), StringComparer.Ordinal);
            Assert.StartsWith("blacksmith-", outputs["name"], StringComparison.Ordinal);
            Assert.Equal("remote", outputs["driver"]);
            Assert.Equal(job.Variables["BLACKSMITH_BUILDKIT_ADDRESS"], outputs["buildkit-address"]);
            Assert.Equal(job.Variables["BLACKSMITH_BUILDKIT_ROOT"], outputs["buildkit-root"]);
            Assert.Equal(job.JobDirectory, outputs["job-dir"]);
            Assert.Matches("^linux/", outputs["platforms"]);
            var state = EnvFile.Read(job.FileCommand("GITHUB_STATE"), StringComparer.Ordinal);
            Assert.Equal("true", state["isPost"]);

            // The post the runner would run, with what main saved, under the tool as well: the cache is committed.
            var post = await RunToolAsync(node, job, "post.js", new Dictionary<string, string>(job.Variables)
            {
                ["STATE_session"] = state["session"],
                ["STATE_isPost"] = "true",
                ["INPUT_JOB-STATUS"] = "success",
            });

            Assert.True(post.ExitCode == 0, post.ToString());
            Assert.Contains($"Committed {CacheKey}: generation 1", post.Output, StringComparison.Ordinal);
        }
        finally
        {
            // A failed test must not leave a daemon, mount or loop device behind; a passing one must not have any.
            var leftovers = await Leftovers.CleanAsync(root);
            Directory.Delete(root, recursive: true);
            Assert.Empty(leftovers);
        }
    }

    [RequiresRunnerFact]
    public async Task A_failing_setup_under_the_local_action_tool_fails_the_tools_run_with_setups_exit_code()
    {
        var node = NodeTools.Require("@github/local-action", "tsx");
        var root = Directory.CreateTempSubdirectory("blacksmith-local-action-").FullName;
        try
        {
            var job = await LocalJob.CreateAsync(root);

            // Bad input (ADR 0004: exit 2): a cache key the store refuses, found before anything is acquired.
            var main = await RunToolAsync(node, job, "main.js", new Dictionary<string, string>(job.Variables) { ["INPUT_CACHE-KEY"] = "../escape" });

            Assert.True(main.ExitCode == 2, main.ToString());
            Assert.Contains("::error::", main.Output, StringComparison.Ordinal);
        }
        finally
        {
            var leftovers = await Leftovers.CleanAsync(root);
            Directory.Delete(root, recursive: true);
            Assert.Empty(leftovers);
        }
    }

    /// <summary>
    /// <c>local-action run actions/setup-docker-builder ENTRY .env</c> from tests/node, where the tool is installed, with
    /// <paramref name="variables"/> in the .env file (as a developer would write them) and the doubles first on PATH.
    /// </summary>
    private static async Task<CliResult> RunToolAsync(string node, LocalJob job, string entry, IReadOnlyDictionary<string, string> variables)
    {
        var dotenv = Path.Combine(job.Root, $"{Path.GetFileNameWithoutExtension(entry)}.env");
        await File.WriteAllLinesAsync(dotenv, variables.Select(v => $"{v.Key}={v.Value}"));
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entryVariable in Environment.GetEnvironmentVariables())
        {
            var name = (string)entryVariable.Key;
            if (ForeignPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) || name is "CI" or "NODE_OPTIONS")
            {
                environment[name] = null;
            }
        }

        environment["PATH"] = $"{job.Shims}:{Environment.GetEnvironmentVariable("PATH")}";
        // The tool runs `npm exec tsx` and `npm ls`: both answer from tests/node, and npm must not look for updates.
        environment["npm_config_update_notifier"] = "false";
        var tool = Path.Combine(NodeTools.Directory, "node_modules", "@github", "local-action", "bin", "local-action.js");
        var action = Path.Combine(LauncherHarness.RepositoryRoot(), "actions", "setup-docker-builder");
        var result = await CliProcess.RunAsync([node, tool, "run", action, entry, dotenv], environment, NodeTools.Directory, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"local-action {entry}: {result}");
        return result;
    }

    /// <summary>A job's worth of directories and the variables a GitHub runner would give setup's step, all under one root.</summary>
    private sealed class LocalJob
    {
        private LocalJob(string root) => Root = root;

        public string Root { get; }

        public string Shims => Path.Combine(Root, "bin");

        public string JobDirectory => Path.Combine(Root, "temp", "blacksmith", "4242-build-1");

        public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

        public string FileCommand(string name) => Path.Combine(Root, "files", name);

        public static async Task<LocalJob> CreateAsync(string root)
        {
            var job = new LocalJob(root);
            ProcessDoubles.WriteShims(job.Shims);
            var workspace = Directory.CreateDirectory(Path.Combine(root, "workspace")).FullName;
            await File.WriteAllTextAsync(Path.Combine(workspace, "Dockerfile"), RunnerSimulator.DefaultDockerfile);
            var eventPath = Path.Combine(root, "event.json");
            await File.WriteAllTextAsync(eventPath, """{"ref":"refs/heads/main"}""");
            Directory.CreateDirectory(Path.Combine(root, "files"));
            Directory.CreateDirectory(Path.Combine(root, "temp"));
            foreach (var name in new[] { "GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY" })
            {
                await File.WriteAllTextAsync(job.FileCommand(name), "");
                job.Variables[name] = job.FileCommand(name);
            }

            foreach (var (name, value) in new Dictionary<string, string>
            {
                ["GITHUB_ACTIONS"] = "true",
                ["GITHUB_REPOSITORY"] = "acme/shop",
                ["GITHUB_REPOSITORY_OWNER"] = "acme",
                ["GITHUB_RUN_ID"] = "4242",
                ["GITHUB_RUN_ATTEMPT"] = "1",
                ["GITHUB_JOB"] = "build",
                ["GITHUB_WORKFLOW"] = "ci",
                ["GITHUB_WORKSPACE"] = workspace,
                ["GITHUB_EVENT_NAME"] = "push",
                ["GITHUB_EVENT_PATH"] = eventPath,
                ["GITHUB_REF"] = "refs/heads/main",
                ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
                ["RUNNER_OS"] = "Linux",
                ["RUNNER_ARCH"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ARM64" : "X64",
                ["RUNNER_TEMP"] = Path.Combine(root, "temp"),
                ["INPUT_CACHE-KEY"] = CacheKey,
                ["BLACKSMITH_BINARY"] = BlacksmithBinary.Path,
                ["BLACKSMITH_DATA_DIR"] = Path.Combine(root, "data"),
                ["BLACKSMITH_BUILDKIT_ROOT"] = Path.Combine(root, "buildkit"),
                ["BLACKSMITH_BUILDKIT_ADDRESS"] = $"tcp://127.0.0.1:{FreeLoopbackPort()}",
                ["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(root, "claims"),
                ["DOCKER_CONFIG"] = Path.Combine(root, "docker"),
                ["BUILDX_CONFIG"] = Path.Combine(root, "buildx"),
            })
            {
                job.Variables[name] = value;
            }

            return job;
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
