using System.Globalization;
using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// Two jobs on one machine at the same time, with the default BuildKit root and address (nothing set), one claims
/// directory and one local store: each gets a root and a daemon socket of its own, derived from its job directory, and
/// both commit. Job B's setup starts while job A's builder is running, and A builds only after B's setup.
/// </summary>
public sealed class ConcurrentJobsTests : IAsyncDisposable
{
    private const string CacheKey = "shop-image";

    private readonly DirectoryInfo _machine = Directory.CreateTempSubdirectory("blacksmith-machine-");
    private readonly List<JobShell> _shells = [];
    private RunnerSimulator? _runner;

    private static string RootsDirectory => JobBuildkitPaths.RootsDirectory(Environment.GetEnvironmentVariable, Privilege.Current.IsRoot);

    /// <summary>Two self-hosted GitHub runners on one host (no <c>BLACKSMITH_VM_ID</c>), each with its own <c>RUNNER_TEMP</c>.</summary>
    [RequiresRunnerFact]
    public async Task Two_self_hosted_runners_on_one_host_run_overlapping_jobs_with_default_settings_and_both_commit()
    {
        _runner = RunnerSimulator.WithMachineDefaults();
        var aSetUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bSetUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var jobs = await Task.WhenAll(
            _runner.RunJobAsync([SimulatedJobTests.Setup("builder") with { Ended = aSetUp }, SimulatedJobTests.Build("api") with { StartsAfter = bSetUp.Task }]),
            _runner.RunJobAsync([SimulatedJobTests.Setup("builder") with { StartsAfter = aSetUp.Task, Ended = bSetUp }, SimulatedJobTests.Build("web")]));

        var (a, b) = (jobs[0], jobs[1]);
        SimulatedJobTests.AssertGreen(a, quiet: false);
        SimulatedJobTests.AssertGreen(b, quiet: false);
        var (aOutputs, bOutputs) = (a.Main("builder").Outputs, b.Main("builder").Outputs);
        AssertOwnRootAndAddress(a.JobDirectory, aOutputs["buildkit-root"], aOutputs["buildkit-address"]);
        AssertOwnRootAndAddress(b.JobDirectory, bOutputs["buildkit-root"], bOutputs["buildkit-address"]);
        var (aStatus, bStatus) = (await RunnerSimulator.StatusAsync(a), await RunnerSimulator.StatusAsync(b));
        AssertOverlapped(aStatus, bStatus);
        Assert.Equal(("commit", "commit"), (SimulatedJobTests.Decision(aStatus), SimulatedJobTests.Decision(bStatus)));
        Assert.Equal([1L, 2L], await _runner.GenerationsAsync(CacheKey));
    }

    /// <summary>
    /// Two GitLab jobs on one runner host (<c>CI_JOB_ID</c>, a shell executor: one user, one docker configuration): each
    /// job's <c>script</c> runs setup and a build in one shell, and <c>after_script</c> runs post in a new one.
    /// </summary>
    [RequiresRunnerFact]
    public async Task Two_generic_ci_jobs_on_one_host_run_overlapping_with_default_settings_and_both_commit()
    {
        var a = GitLabJob("7001");
        var b = GitLabJob("7002");

        var aSetup = await a.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}");
        Assert.True(aSetup.ExitCode == 0, aSetup.ToString());
        var bSetup = await b.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}");
        Assert.True(bSetup.ExitCode == 0, bSetup.ToString());
        var builds = await Task.WhenAll(
            a.Script.RunAsync($"blacksmith build --context '{a.Workspace}' --tags api"),
            b.Script.RunAsync($"blacksmith build --context '{b.Workspace}' --tags web"));
        Assert.All(builds, build => Assert.True(build.ExitCode == 0, build.ToString()));
        await a.Script.DisposeAsync();
        await b.Script.DisposeAsync();
        var posts = await Task.WhenAll(AfterScriptAsync(a), AfterScriptAsync(b));

        Assert.All(posts, post => Assert.True(post.ExitCode == 0, post.ToString()));
        AssertOwnRootAndAddress(a.JobDirectory, Output(aSetup, "buildkit-root"), Output(aSetup, "buildkit-address"));
        AssertOwnRootAndAddress(b.JobDirectory, Output(bSetup, "buildkit-root"), Output(bSetup, "buildkit-address"));
        var (aStatus, bStatus) = (await StatusAsync(a.JobDirectory), await StatusAsync(b.JobDirectory));
        AssertOverlapped(aStatus, bStatus);
        Assert.Equal(("commit", "commit"), (SimulatedJobTests.Decision(aStatus), SimulatedJobTests.Decision(bStatus)));
        Assert.Empty(await Leftovers.CleanAsync(_machine.FullName, RootsDirectory));
        // Post removed each job's root once it was unmounted: the machine does not keep one directory per job ever run.
        Assert.False(Directory.Exists(Output(aSetup, "buildkit-root")));
        Assert.False(Directory.Exists(Output(bSetup, "buildkit-root")));
        var generations = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "ls", "--data-dir", Path.Combine(_machine.FullName, "data")]);
        Assert.Matches($"(?s){CacheKey}.*\\b2\\b", generations.Output + generations.Errors);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var shell in _shells)
            {
                await shell.DisposeAsync();
            }

            if (_runner is not null)
            {
                await _runner.DisposeAsync();
            }

            var leftovers = await Leftovers.CleanAsync(_machine.FullName, RootsDirectory);
            leftovers = [.. leftovers, .. Leftovers.RemoveRoots(_machine.FullName, RootsDirectory)];
            Assert.True(leftovers.Count == 0, "the jobs left these behind (removed now): " + string.Join("; ", leftovers));
        }
        finally
        {
            _machine.Delete(recursive: true);
        }
    }

    /// <summary>The engine's default root (outside the job directory, named by it) and a socket in the job directory.</summary>
    private static void AssertOwnRootAndAddress(string jobDirectory, string root, string address)
    {
        Assert.Equal(Path.Combine(RootsDirectory, JobBuildkitPaths.RootName(jobDirectory)), root);
        Assert.Equal($"unix://{jobDirectory}/{JobBuildkitPaths.SocketFileName}", address);
    }

    /// <summary>B's setup began after A's daemon was spawned and ended before A's daemon was stopped.</summary>
    private static void AssertOverlapped(JsonElement a, JsonElement b)
    {
        var aSpawned = At(a, "DaemonSpawned");
        var aStopped = At(a, "DaemonStopped");
        Assert.True(aSpawned < At(b, "SetupStarted") && At(b, "BuilderRegistered") < aStopped, "job B's setup did not run while job A's builder was running");
    }

    private static DateTimeOffset At(JsonElement status, string trigger) =>
        status.GetProperty("timeline").EnumerateArray()
            .Where(t => t.GetProperty("trigger").GetString() == trigger)
            .Select(t => DateTimeOffset.Parse(t.GetProperty("at").GetString()!, CultureInfo.InvariantCulture))
            .Single();

    private static async Task<JsonElement> StatusAsync(string jobDirectory)
    {
        var status = await CliProcess.RunAsync([BlacksmithBinary.Path, "status", "--json", "--job-dir", jobDirectory]);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var document = JsonDocument.Parse(status.Output);
        return document.RootElement.Clone();
    }

    // Generic CI prints the outputs on standard output in GitHub's output-file format.
    private static string Output(CliResult setup, string name) =>
        setup.Output.Split('\n').Select(l => l.Split('=', 2)).FirstOrDefault(p => p[0] == name)?[1] ?? throw new InvalidOperationException($"no output {name}:\n{setup}");

    private static Task<CliResult> AfterScriptAsync(GitLabRun job) => RunInNewShellAsync(job, "blacksmith post --job-status success");

    private static async Task<CliResult> RunInNewShellAsync(GitLabRun job, string commandLine)
    {
        await using var shell = JobShell.Start(job.Environment, job.Workspace, Path.Combine(job.Workspace, "..", "after_script"));
        return await shell.RunAsync(commandLine);
    }

    /// <summary>One GitLab job of the machine: its environment, checkout and script shell.</summary>
    private GitLabRun GitLabJob(string id)
    {
        var machine = _machine.FullName;
        var shims = Path.Combine(machine, "bin");
        ProcessDoubles.WriteShims(shims);
        var build = Directory.CreateDirectory(Path.Combine(machine, "builds", id)).FullName;
        var workspace = Directory.CreateDirectory(Path.Combine(build, "checkout")).FullName;
        File.WriteAllText(Path.Combine(workspace, "Dockerfile"), RunnerSimulator.DefaultDockerfile);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{shims}:{Path.GetDirectoryName(BlacksmithBinary.Path)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = machine,
            // The machine's temp directory, where GitLab jobs' directories are derived (<tmp>/blacksmith/gitlab-<id>).
            ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(machine, "tmp")).FullName,
            ["CI"] = "true",
            ["GITLAB_CI"] = "true",
            ["CI_JOB_ID"] = id,
            ["BLACKSMITH_DATA_DIR"] = Path.Combine(machine, "data"),
            ["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(machine, "claims"),
            // A shell executor runs every job as one user: one docker configuration, one buildx store.
            ["DOCKER_CONFIG"] = Path.Combine(machine, "docker"),
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        var script = JobShell.Start(environment, workspace, Path.Combine(build, "script"));
        _shells.Add(script);
        return new GitLabRun(environment, workspace, Path.Combine(environment["TMPDIR"], "blacksmith", "gitlab-" + id), script);
    }
}
