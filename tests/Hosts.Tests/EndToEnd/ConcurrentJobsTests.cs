using System.Globalization;
using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Buildkit;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// Two jobs on one machine at the same time, with the default BuildKit root and address (nothing set), one claims
/// directory and one local store: each gets a root and a daemon socket of its own, derived from its job directory, and
/// both commit. Job B's setup starts while job A's builder is running, and A builds only after B's setup.
/// </summary>
public sealed class ConcurrentJobsTests : IAsyncDisposable
{
    private const string CacheKey = "shop-image";

    private readonly GitLabMachine _machine = new();
    private RunnerSimulator? _runner;

    private static string RootsDirectory => GitLabMachine.RootsDirectory;

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
        var a = _machine.Job("7001");
        var b = _machine.Job("7002");

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
        var posts = await Task.WhenAll(
            GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success"),
            GitLabMachine.RunInNewShellAsync(b, "blacksmith post --job-status success"));

        Assert.All(posts, post => Assert.True(post.ExitCode == 0, post.ToString()));
        AssertOwnRootAndAddress(a.JobDirectory, Output(aSetup, "buildkit-root"), Output(aSetup, "buildkit-address"));
        AssertOwnRootAndAddress(b.JobDirectory, Output(bSetup, "buildkit-root"), Output(bSetup, "buildkit-address"));
        var (aStatus, bStatus) = (await GitLabMachine.StatusAsync(a.JobDirectory), await GitLabMachine.StatusAsync(b.JobDirectory));
        AssertOverlapped(aStatus, bStatus);
        Assert.Equal(("commit", "commit"), (SimulatedJobTests.Decision(aStatus), SimulatedJobTests.Decision(bStatus)));
        Assert.Empty(await _machine.LeftoversAsync());
        // Post removed each job's root once it was unmounted: the machine does not keep one directory per job ever run.
        Assert.False(Directory.Exists(Output(aSetup, "buildkit-root")));
        Assert.False(Directory.Exists(Output(bSetup, "buildkit-root")));
        Assert.Equal([1L, 2L], await _machine.GenerationsAsync(CacheKey));
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        await _machine.DisposeAsync();
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

    // Generic CI prints the outputs on standard output in GitHub's output-file format.
    private static string Output(CliResult setup, string name) =>
        setup.Output.Split('\n').Select(l => l.Split('=', 2)).FirstOrDefault(p => p[0] == name)?[1] ?? throw new InvalidOperationException($"no output {name}:\n{setup}");
}
