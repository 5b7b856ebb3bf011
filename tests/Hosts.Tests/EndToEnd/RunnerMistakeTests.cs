using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using static Blacksmith.Hosts.Tests.EndToEnd.SimulatedJobTests;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>Mistakes in a workflow, as the GitHub runner shows them: the step's result, its annotations, the cache.</summary>
public sealed class RunnerMistakeTests : IAsyncDisposable
{
    private readonly RunnerSimulator _runner = RunnerSimulator.Create();

    [RequiresRunnerFact]
    public async Task An_unknown_job_status_drains_releases_and_skips_the_commit_with_a_warning_naming_it_and_post_exits_0()
    {
        var job = await _runner.RunJobAsync([Setup("builder", ("job-status", "maybe")), Build("api")]);

        var post = job.Post("builder");
        Assert.True(post.Conclusion == StepConclusion.Success, job.ToString());
        Assert.Equal(0, post.ExitCode);
        Assert.Contains(post.Warnings, w => w.StartsWith("The job status from INPUT_JOB-STATUS is 'maybe'", StringComparison.Ordinal)
            && w.Contains("job-status input at its default", StringComparison.Ordinal));
        Assert.Empty(job.Leftovers);
        Assert.Empty(await _runner.GenerationsAsync("shop-image"));
    }

    [RequiresRunnerFact]
    public async Task A_second_setup_for_another_cache_key_fails_its_step_with_exit_2_and_the_first_builder_commits()
    {
        var job = await _runner.RunJobAsync([
            Setup("builder"),
            WorkflowStep.Uses("other", "setup-docker-builder", new Dictionary<string, string> { ["cache-key"] = "other-image" }) with { ContinueOnError = true },
            Build("api"),
        ]);

        var other = job.Main("other");
        Assert.True(other.ExitCode == 2, job.ToString());
        Assert.Contains(other.Errors, e => e.Contains("cache key", StringComparison.Ordinal));
        Assert.Equal(StepConclusion.Success, job.Main("api").Conclusion);
        Assert.Empty(job.Leftovers);
        Assert.Equal([1L], await _runner.GenerationsAsync("shop-image"));
    }

    public ValueTask DisposeAsync() => _runner.DisposeAsync();
}
