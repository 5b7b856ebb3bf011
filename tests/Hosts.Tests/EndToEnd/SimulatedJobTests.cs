using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// Whole workflow jobs, run as the GitHub runner runs them, through the actions' launchers, the JIT blacksmith,
/// the process doubles and the local store on real loop devices. Everything asserted is what a user sees: step
/// results, annotations, outputs, <c>blacksmith status --json</c> and the store's generations.
/// </summary>
public sealed class SimulatedJobTests : IAsyncDisposable
{
    private const string CacheKey = "shop-image";

    // The daemon runs with the driver options' env.* variables only (not the job's environment), so its fault goes there:
    // the buildkitd double panics at start as bbolt does on a corrupt history.db.
    private static readonly (string, string) CrashingDaemon = ("driver-opts", "env.BLACKSMITH_DOUBLE_FAULT=crash-bbolt");

    private readonly RunnerSimulator _runner = RunnerSimulator.Create();

    [RequiresRunnerFact]
    public async Task Three_builds_then_post_commit_generation_1_and_the_next_job_starts_warm_from_it()
    {
        var first = await _runner.RunJobAsync([Setup("builder"), Build("api"), Build("web"), Build("worker")]);

        AssertGreen(first);
        Assert.Equal(["builder", "api", "web", "worker", "builder"], first.Steps.Select(s => s.Id));
        Assert.Equal("success", first.Post("builder").Environment["INPUT_JOB-STATUS"]);
        Assert.Empty(first.Post("builder").Warnings);
        Assert.Contains("commit", first.Post("builder").Summary, StringComparison.Ordinal);
        // setup-buildx-action's outputs, plus where the journal and the daemon's log are.
        var setup = first.Main("builder").Outputs;
        Assert.Equal("remote", setup["driver"]);
        Assert.Matches("^linux/[a-z0-9]+", setup["platforms"]);
        using (var nodes = JsonDocument.Parse(setup["nodes"]))
        {
            var node = Assert.Single(nodes.RootElement.EnumerateArray());
            Assert.Equal(setup["platforms"], node.GetProperty("platforms").GetString());
            Assert.StartsWith("tcp://127.0.0.1:", node.GetProperty("endpoint").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(first.JobDirectory, setup["job-dir"]);
        Assert.True(File.Exists(Path.Combine(setup["job-dir"], "journal.jsonl")));
        foreach (var build in new[] { "api", "web", "worker" })
        {
            Assert.Contains("buildx.build.ref", first.Main(build).Outputs["metadata"], StringComparison.Ordinal);
        }

        var status = await RunnerSimulator.StatusAsync(first);
        Assert.Equal("Done", status.GetProperty("state").GetString());
        Assert.Equal(["Succeeded", "Succeeded", "Succeeded"], Outcomes(status));
        Assert.Equal("commit", Decision(status));
        Assert.Equal([1L], await _runner.GenerationsAsync(CacheKey));

        var second = await _runner.RunJobAsync([Setup("builder"), Build("api")]);

        AssertGreen(second);
        Assert.Contains("warm from the last commit", second.Main("builder").Run!.Output, StringComparison.Ordinal);
        Assert.Equal([1L, 2L], await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task Setup_registers_with_one_create_and_one_inspect_and_a_build_spawns_only_the_build()
    {
        var logs = Directory.CreateTempSubdirectory("blacksmith-docker-calls-");
        try
        {
            string Log(string step) => Path.Combine(logs.FullName, $"{step}.jsonl");
            var setup = Setup("builder") with { Env = new Dictionary<string, string> { ["BLACKSMITH_DOCKER_DOUBLE_LOG"] = Log("builder") } };
            var api = Build("api") with { Env = new Dictionary<string, string> { ["BLACKSMITH_DOCKER_DOUBLE_LOG"] = Log("api") } };

            var job = await _runner.RunJobAsync([setup, api]);

            AssertGreen(job);
            var name = job.Main("builder").Outputs["name"];
            // Setup asks the version, creates the builder and makes it current in one command, and inspects it once:
            // its outputs (driver, platforms, nodes) come from that inspect. Post runs no docker command.
            Assert.Equal(["version", "create", "inspect"], Verbs(Log("builder")));
            Assert.Contains("--use", Invocations(Log("builder"))[1]);
            Assert.Equal(["inspect", name], Invocations(Log("builder"))[2].Skip(1));
            // The build knows the buildx version and the builder's BuildKit from setup's journal: one process, the build.
            Assert.Equal(["build"], Verbs(Log("api")));
        }
        finally
        {
            logs.Delete(recursive: true);
        }

        static List<List<string>> Invocations(string log) =>
            [.. File.ReadAllLines(log).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList())];

        // The buildx subcommand of each call ("buildx version" is "version").
        static List<string> Verbs(string log) => [.. Invocations(log).Select(args => args[args.IndexOf("buildx") + 1])];
    }

    [RequiresRunnerFact]
    public async Task A_failed_build_fails_the_job_and_post_skips_the_commit_saying_why()
    {
        var job = await _runner.RunJobAsync([Setup("builder"), Build("api"), Build("web", fault: "build-fail"), Build("worker")]);

        Assert.Equal(JobConclusion.Failure, job.Conclusion);
        Assert.Equal(StepConclusion.Failure, job.Main("web").Conclusion);
        Assert.Contains(job.Main("web").Errors, e => e.Contains("The build of web failed", StringComparison.Ordinal));
        Assert.Equal(StepConclusion.Skipped, job.Main("worker").Conclusion);
        var post = job.Post("builder");
        Assert.Equal(StepConclusion.Success, post.Conclusion);
        Assert.Equal("failure", post.Environment["INPUT_JOB-STATUS"]);
        Assert.Contains("was not committed (BuildFailed)", post.Run!.Output, StringComparison.Ordinal);
        Assert.Contains("BuildFailed", post.Summary, StringComparison.Ordinal);
        Assert.Empty(job.Leftovers);

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal(["Succeeded", "Failed"], Outcomes(status));
        Assert.Equal(("skip", "BuildFailed"), (Decision(status), SkipReason(status)));
        Assert.Empty(await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_failed_build_in_a_green_job_skips_the_commit_with_a_warning_annotation_and_keeps_the_generation()
    {
        AssertGreen(await _runner.RunJobAsync([Setup("builder"), Build("api")]));

        var job = await _runner.RunJobAsync([Setup("builder"), Build("api", fault: "build-fail") with { ContinueOnError = true }, Build("web")]);

        Assert.Equal(JobConclusion.Success, job.Conclusion);
        Assert.Equal(StepConclusion.Failure, job.Main("api").Conclusion);
        Assert.Equal(StepConclusion.Success, job.Main("web").Conclusion);
        Assert.Contains(job.Post("builder").Warnings, w => w.Contains($"The cache for key {CacheKey} was not committed (BuildFailed)", StringComparison.Ordinal));
        Assert.Empty(job.Leftovers);
        Assert.Equal([1L], await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_failed_foreign_step_reaches_post_as_job_status_failure_and_skips_the_commit()
    {
        var job = await _runner.RunJobAsync([Setup("builder"), Build("api"), WorkflowStep.Run("tests", "echo running the tests\nexit 1"), Build("web")]);

        Assert.Equal(JobConclusion.Failure, job.Conclusion);
        Assert.Equal(StepConclusion.Success, job.Main("api").Conclusion);
        Assert.Equal(StepConclusion.Failure, job.Main("tests").Conclusion);
        Assert.Equal(StepConclusion.Skipped, job.Main("web").Conclusion);
        var post = job.Post("builder");
        Assert.Equal(StepConclusion.Success, post.Conclusion);
        Assert.Equal("failure", post.Environment["INPUT_JOB-STATUS"]);
        Assert.Empty(job.Leftovers);

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal(("skip", "EarlierStepFailed"), (Decision(status), SkipReason(status)));
        Assert.Empty(await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_custom_buildx_command_between_builds_uses_the_registered_builder_and_the_commit_still_happens()
    {
        var job = await _runner.RunJobAsync([
            Setup("builder"),
            Build("api"),
            WorkflowStep.Run("custom", "docker buildx build --tag custom:1 --metadata-file custom.json .\ntest -s custom.json"),
            Build("web"),
        ]);

        AssertGreen(job);
        var builder = job.Main("builder").Outputs["name"];
        Assert.Contains($"building with \"{builder}\" instance", job.Main("custom").Log, StringComparison.Ordinal);
        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal("commit", Decision(status));
        Assert.Equal([1L], await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_second_setup_in_the_job_attaches_and_the_posts_run_in_reverse_order_with_one_drain()
    {
        var job = await _runner.RunJobAsync([Setup("first"), Build("api"), Setup("second"), Build("web")]);

        AssertGreen(job);
        Assert.Equal(["second", "first"], job.Posts.Select(p => p.Id));
        Assert.Contains("already has a builder", job.Main("second").Run!.Output, StringComparison.Ordinal);
        Assert.Equal(job.Main("first").Outputs["name"], job.Main("second").Outputs["name"]);
        Assert.Contains("drains and commits it", job.Post("second").Run!.Output, StringComparison.Ordinal);
        Assert.All(job.Steps, s => Assert.Empty(s.Warnings));

        var status = await RunnerSimulator.StatusAsync(job);
        var timeline = status.GetProperty("timeline").EnumerateArray()
            .Select(t => (Trigger: t.GetProperty("trigger").GetString(), To: t.GetProperty("to").GetString())).ToList();
        Assert.Single(timeline, t => t.To == "Draining" && t.Trigger == "PostRequested");
        Assert.Single(timeline, t => t.Trigger == "DaemonStopped");
        Assert.Single(timeline, t => t.Trigger == "Drained");
        Assert.Single(timeline, t => t.Trigger == "DiskMounted");
        Assert.Equal("commit", Decision(status));
        Assert.Equal([1L], await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task After_a_runner_killed_between_setup_and_post_the_next_jobs_setup_cleans_up_its_daemon_mount_and_disk()
    {
        // One claims directory for both jobs, as on a real machine.
        var machine = new Dictionary<string, string> { ["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(Path.GetTempPath(), $"blacksmith-claims-{Guid.NewGuid():N}") };
        try
        {
            var killed = await _runner.RunJobAsync([Setup("builder") with { KillsRunner = true }], machine);
            Assert.Equal(["builder"], killed.Steps.Select(s => s.Id));

            // The simulator has no Runner.Worker whose end would prove the killed job over: its age does (a job may run a millisecond here).
            var next = await _runner.RunJobAsync([Setup("builder"), Build("api")], new Dictionary<string, string>(machine) { ["BLACKSMITH_MAX_JOB_DURATION"] = "0.001s" });

            AssertGreen(next);
            var setupLog = next.Main("builder").Log;
            Assert.Contains($"Cleaned up after the job of {killed.JobDirectory} (it began ", setupLog, StringComparison.Ordinal);
            Assert.Contains("stopped buildkitd pid", setupLog, StringComparison.Ordinal);
            Assert.Contains("released its disk unchanged", setupLog, StringComparison.Ordinal);
            // Nothing of either job is left on the machine: the killed job's daemon, mount and loop device went in the sweep.
            Assert.Empty(next.Leftovers);
            Assert.Equal([1L], await _runner.GenerationsAsync(CacheKey));
            Assert.Empty(Directory.GetFiles(machine["BLACKSMITH_CLAIMS_DIR"]));
        }
        finally
        {
            if (Directory.Exists(machine["BLACKSMITH_CLAIMS_DIR"]))
            {
                Directory.Delete(machine["BLACKSMITH_CLAIMS_DIR"], recursive: true);
            }
        }
    }

    [RequiresRunnerFact]
    public async Task With_nofallback_a_failed_setup_fails_its_step_and_post_still_releases_the_disk()
    {
        var job = await _runner.RunJobAsync(
            [Setup("builder", ("nofallback", "true"), CrashingDaemon), Build("api")]);

        Assert.Equal(JobConclusion.Failure, job.Conclusion);
        var setup = job.Main("builder");
        Assert.Equal(StepConclusion.Failure, setup.Conclusion);
        Assert.Contains(setup.Errors, e => e.Contains("nofallback is set", StringComparison.Ordinal));
        Assert.Equal(StepConclusion.Skipped, job.Main("api").Conclusion);
        Assert.Equal(StepConclusion.Success, job.Post("builder").Conclusion);
        Assert.Empty(job.Leftovers);

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal("skip", Decision(status));
        Assert.Empty(await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task Without_nofallback_a_failed_setup_falls_back_loudly_the_builds_run_and_nothing_is_committed()
    {
        var job = await _runner.RunJobAsync(
            [Setup("builder", CrashingDaemon), Build("api"), Build("web")]);

        Assert.Equal(JobConclusion.Success, job.Conclusion);
        Assert.Contains(job.Main("builder").Warnings, w => w.Contains("fell back", StringComparison.Ordinal));
        Assert.Equal(StepConclusion.Success, job.Main("api").Conclusion);
        Assert.Equal(StepConclusion.Success, job.Main("web").Conclusion);
        Assert.Equal(StepConclusion.Success, job.Post("builder").Conclusion);
        Assert.Empty(job.Leftovers);

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal("Fallback", status.GetProperty("mode").GetString());
        Assert.Equal("skip", Decision(status));
        Assert.Empty(await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_build_without_setup_warns_and_builds_on_the_current_builder_without_a_commit()
    {
        var job = await _runner.RunJobAsync([Build("api"), Build("web")]);

        AssertGreen(job, quiet: false);
        Assert.Empty(job.Posts);
        Assert.Contains(job.Main("api").Warnings, w => w.Contains("No setup-docker-builder step ran in this job", StringComparison.Ordinal));
        Assert.Contains("building with \"default\" instance", job.Main("api").Log, StringComparison.Ordinal);

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.False(status.TryGetProperty("decision", out _), status.ToString());
        Assert.Empty(await _runner.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_cancelled_build_exits_on_sigint_is_recorded_as_cancelled_and_post_skips_the_commit()
    {
        var slow = Build("api", fault: "build-slow:120000") with { CancelWhen = line => line.Contains("RUN echo built", StringComparison.Ordinal) };

        var job = await _runner.RunJobAsync([Setup("builder"), slow, Build("web")]);

        Assert.Equal(JobConclusion.Cancelled, job.Conclusion);
        var build = job.Main("api");
        Assert.Equal(StepConclusion.Cancelled, build.Conclusion);
        Assert.NotEqual(0, build.ExitCode);
        // Only SIGINT was needed: the step ended inside the grace period before SIGTERM.
        Assert.Equal(["SIGINT"], build.Run!.Signals);
        Assert.Equal(StepConclusion.Skipped, job.Main("web").Conclusion);
        Assert.Equal("cancelled", job.Post("builder").Environment["INPUT_JOB-STATUS"]);
        Assert.Equal(StepConclusion.Success, job.Post("builder").Conclusion);
        Assert.Empty(job.Leftovers);

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal(["Cancelled"], Outcomes(status));
        Assert.Equal("skip", Decision(status));
        Assert.Empty(await _runner.GenerationsAsync(CacheKey));
    }

    public ValueTask DisposeAsync() => _runner.DisposeAsync();

    internal static WorkflowStep Setup(string id, params (string Name, string Value)[] with) =>
        WorkflowStep.Uses(id, "setup-docker-builder", new Dictionary<string, string>(with.Select(w => KeyValuePair.Create(w.Name, w.Value))) { ["cache-key"] = CacheKey });

    internal static WorkflowStep Build(string id, string? fault = null) =>
        WorkflowStep.Uses(id, "build-push-action", new Dictionary<string, string> { ["context"] = ".", ["tags"] = id }) with
        {
            Env = fault is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["BLACKSMITH_DOCKER_DOUBLE_FAULT"] = fault },
        };

    internal static void AssertGreen(JobResult job, bool quiet = true)
    {
        Assert.True(job.Conclusion == JobConclusion.Success && job.Steps.All(s => s.Conclusion == StepConclusion.Success && !s.Errors.Any()), job.ToString());
        if (quiet)
        {
            // A green job with nothing to say must not raise annotations: users learn to ignore noisy ones.
            Assert.All(job.Steps, s => Assert.Empty(s.Warnings));
        }
        Assert.Empty(job.Leftovers);
    }

    internal static List<string?> Outcomes(JsonElement status) =>
        [.. status.GetProperty("builds").EnumerateArray().Select(b => b.GetProperty("outcome").GetString())];

    internal static string? Decision(JsonElement status) =>
        status.TryGetProperty("decision", out var decision) ? decision.GetProperty("decision").GetString() : null;

    private static string? SkipReason(JsonElement status) => status.GetProperty("decision").GetProperty("reason").GetString();
}
