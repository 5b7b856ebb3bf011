using Blacksmith.Hosts.Tests.EndToEnd.Runner;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// Jobs on a shared self-hosted machine, in the layouts that used to break: a job is never cleaned up while it may still
/// run, whatever shell ran its setup; a second setup, at once or later, never keeps the job's one post from draining; a
/// lost journal is no licence to forget. Real processes, loop devices and the process doubles; nothing may be left.
/// </summary>
public sealed class RunningJobSafetyTests : IAsyncDisposable
{
    private const string CacheKey = "shop-image";

    private readonly GitLabMachine _machine = new();

    /// <summary>
    /// GitLab's layout (docs/ci.md): setup and the builds in <c>script</c>, post in <c>after_script</c>, a new shell. Job
    /// B's setup runs after A's script shell has ended and before A's after_script.
    /// </summary>
    [RequiresRunnerFact]
    public async Task A_job_between_its_script_and_its_after_script_is_left_alone_by_the_next_jobs_setup_and_commits()
    {
        var a = _machine.Job("8101");
        var b = _machine.Job("8102");
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}")).ExitCode);
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith build --context '{a.Workspace}' --tags api")).ExitCode);
        await a.Script.DisposeAsync();

        var bSetup = await b.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}");
        var aPost = await GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success");

        Assert.True(bSetup.ExitCode == 0, bSetup.ToString());
        Assert.Contains($"Another job on this machine ({a.JobDirectory}) holds", bSetup.Output + bSetup.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Cleaned up after", bSetup.Output + bSetup.Errors, StringComparison.Ordinal);
        Assert.True(aPost.ExitCode == 0, aPost.ToString());
        Assert.Equal("commit", SimulatedJobTests.Decision(await GitLabMachine.StatusAsync(a.JobDirectory)));
        Assert.Equal(0, (await b.Script.RunAsync($"blacksmith build --context '{b.Workspace}' --tags web")).ExitCode);
        await b.Script.DisposeAsync();
        Assert.Equal(0, (await GitLabMachine.RunInNewShellAsync(b, "blacksmith post --job-status success")).ExitCode);
        Assert.Equal([1L, 2L], await _machine.GenerationsAsync(CacheKey));
        Assert.Empty(_machine.Claims());
    }

    /// <summary>Each command in a shell of its own (Jenkins <c>sh</c> steps): the shell that ran setup is gone while the builds run.</summary>
    [RequiresRunnerFact]
    public async Task A_job_whose_setup_shell_exited_keeps_its_builder_through_another_jobs_setup_and_commits()
    {
        var a = _machine.Job("8201");
        var b = _machine.Job("8202");
        Assert.Equal(0, (await GitLabMachine.RunInNewShellAsync(a, $"blacksmith setup --cache-key {CacheKey}", "setup")).ExitCode);

        Assert.Equal(0, (await GitLabMachine.RunInNewShellAsync(b, $"blacksmith setup --cache-key {CacheKey}", "setup")).ExitCode);
        var aBuild = await GitLabMachine.RunInNewShellAsync(a, $"blacksmith build --context '{a.Workspace}' --tags api", "build");
        var aPost = await GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success");
        var bPost = await GitLabMachine.RunInNewShellAsync(b, "blacksmith post --job-status success");

        Assert.True(aBuild.ExitCode == 0, aBuild.ToString());
        Assert.True(aPost.ExitCode == 0, aPost.ToString());
        Assert.True(bPost.ExitCode == 0, bPost.ToString());
        Assert.Equal("commit", SimulatedJobTests.Decision(await GitLabMachine.StatusAsync(a.JobDirectory)));
        Assert.Empty(_machine.Claims());
        Assert.Equal(0, await _machine.ExposuresAsync());
    }

    [RequiresRunnerFact]
    public async Task A_second_setup_in_the_job_never_keeps_its_one_post_from_draining_and_committing()
    {
        var a = _machine.Job("8301");
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}")).ExitCode);
        var again = await a.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}");
        var other = await a.Script.RunAsync("blacksmith setup --cache-key another-key");
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith build --context '{a.Workspace}' --tags api")).ExitCode);
        await a.Script.DisposeAsync();

        var post = await GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("This job already has a builder", again.Output + again.Errors, StringComparison.Ordinal);
        Assert.True(other.ExitCode == 2, other.ToString());
        Assert.True(post.ExitCode == 0, post.ToString());
        Assert.Equal("commit", SimulatedJobTests.Decision(await GitLabMachine.StatusAsync(a.JobDirectory)));
        Assert.Equal([1L], await _machine.GenerationsAsync(CacheKey));
        Assert.Empty(_machine.Claims());
    }

    [RequiresRunnerFact]
    public async Task Two_setups_at_once_in_one_job_leave_one_builder_and_nothing_held_after_post()
    {
        var a = _machine.Job("8401");

        var setups = await Task.WhenAll(
            GitLabMachine.RunInNewShellAsync(a, $"blacksmith setup --cache-key {CacheKey}", "setup"),
            GitLabMachine.RunInNewShellAsync(a, $"blacksmith setup --cache-key {CacheKey}", "setup"));
        var post = await GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success");

        // One setup started the builder; the other attached to it or was refused while it was being set up.
        Assert.Contains(setups, s => s.ExitCode == 0);
        Assert.All(setups, s => Assert.True(s.ExitCode is 0 or 2, s.ToString()));
        Assert.True(post.ExitCode == 0, post.ToString());
        var status = await GitLabMachine.StatusAsync(a.JobDirectory);
        Assert.Equal("Done", status.GetProperty("state").GetString());
        Assert.Single(status.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("trigger").GetString() == "SetupStarted");
        Assert.Empty(_machine.Claims());
        Assert.Equal(0, await _machine.ExposuresAsync());
    }

    [RequiresRunnerFact]
    public async Task A_deleted_journal_makes_post_release_what_the_claim_names_commit_nothing_and_fail()
    {
        var a = _machine.Job("8501");
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}")).ExitCode);
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith build --context '{a.Workspace}' --tags api")).ExitCode);
        await a.Script.DisposeAsync();
        File.Delete(Path.Combine(a.JobDirectory, "journal.jsonl"));

        var post = await GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success");

        await AssertReleasedFromTheClaimAsync(post);
        Assert.Empty(await _machine.GenerationsAsync(CacheKey));
    }

    [RequiresRunnerFact]
    public async Task A_truncated_journal_makes_post_release_what_the_claim_names_commit_nothing_and_fail()
    {
        var a = _machine.Job("8601");
        Assert.Equal(0, (await a.Script.RunAsync($"blacksmith setup --cache-key {CacheKey}")).ExitCode);
        await a.Script.DisposeAsync();
        var journal = Path.Combine(a.JobDirectory, "journal.jsonl");
        // Keep the first record only (setup began): the claim names the exposure, the mount and the daemon it lost.
        var first = (await File.ReadAllLinesAsync(journal, TestContext.Current.CancellationToken))[0];
        await File.WriteAllTextAsync(journal, first + "\n", TestContext.Current.CancellationToken);

        var post = await GitLabMachine.RunInNewShellAsync(a, "blacksmith post --job-status success");

        await AssertReleasedFromTheClaimAsync(post);
        Assert.Empty(await _machine.GenerationsAsync(CacheKey));
    }

    public async ValueTask DisposeAsync() => await _machine.DisposeAsync();

    private async Task AssertReleasedFromTheClaimAsync(CliResult post)
    {
        Assert.True(post.ExitCode == 1, post.ToString());
        Assert.Contains("is unusable", post.Errors, StringComparison.Ordinal);
        Assert.Contains("The cache is not committed; released what this job's claim named", post.Errors, StringComparison.Ordinal);
        Assert.Empty(_machine.Claims());
        Assert.Empty(await _machine.LeftoversAsync());
    }
}
