namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>The README's main job: <c>blacksmith run</c> with the embedded local store.</summary>
public sealed class RunVerbTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-run-");

    [Fact]
    public async Task A_second_run_starts_from_the_generation_the_first_committed_with_its_steps_cached()
    {
        var first = await RunAsync("job-1");
        var second = await RunAsync("job-2");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("starting from generation 0", first.Output, StringComparison.Ordinal);
        Assert.Contains("committed generation 1 (started from 0)", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("starting from generation 1", second.Output, StringComparison.Ordinal);
        Assert.Contains("warm cache", second.Output, StringComparison.Ordinal);
        Assert.Contains("app-1: 5 steps, 5 cached", second.Output, StringComparison.Ordinal);
        Assert.Contains("committed generation 2 (started from 1)", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_build_skips_the_commit_names_the_reason_and_fails_the_run()
    {
        var result = await RunAsync("job-1", "--fail-build", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BuildFailed", result.Output, StringComparison.Ordinal);
        Assert.Contains("app-2", result.Output, StringComparison.Ordinal);
        Assert.Contains("stays at generation 0", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_output_says_plainly_when_BuildKit_is_simulated_and_which_store_is_used()
    {
        var result = await RunAsync("job-1");

        Assert.Contains("BuildKit: SIMULATED", result.Output, StringComparison.Ordinal);
        Assert.Contains($"local sticky-disk store at {Path.Combine(_dir.FullName, "data")}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_ends_saying_what_it_left_on_the_machine_and_the_commands_that_remove_it()
    {
        var result = await RunAsync("job-1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var job = Path.Combine(_dir.FullName, "job-1");
        var data = Path.Combine(_dir.FullName, "data");
        var end = result.Output[result.Output.IndexOf("Left on this machine:", StringComparison.Ordinal)..];
        Assert.Contains($"key 'demo' in the store at {data} (generation 1,", end, StringComparison.Ordinal);
        Assert.Contains($"this job's directory {job}", end, StringComparison.Ordinal);
        Assert.Contains($"blacksmith store rm demo --data-dir {data}", end, StringComparison.Ordinal);
        Assert.Contains($"blacksmith store gc --data-dir {data}", end, StringComparison.Ordinal);
        Assert.Contains($"rm -rf {job}", end, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_commands_it_prints_remove_what_it_left()
    {
        var data = Path.Combine(_dir.FullName, "data");
        Assert.True((await RunAsync("job-1")).ExitCode == 0);

        var removed = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "rm", "demo", "--data-dir", data], null, Ct);
        var listed = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "ls", "--json", "--data-dir", data], null, Ct);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.DoesNotContain("\"demo\"", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_left_in_the_working_directory_and_the_logs_carry_no_terminal_control_characters()
    {
        var cwd = Directory.CreateDirectory(Path.Combine(_dir.FullName, "cwd"));

        var result = await CliProcess.RunAsync(
            [BlacksmithBinary.Path, "run", "--simulate", "--job-dir", Path.Combine(_dir.FullName, "job-1"), "--data-dir", Path.Combine(_dir.FullName, "data")],
            new Dictionary<string, string?> { ["BLACKSMITH_BUILDKIT_ROOT"] = null, ["BLACKSMITH_DATA_DIR"] = null, ["BLACKSMITH_JOB_DIR"] = null },
            cwd.FullName,
            Ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(cwd.EnumerateFileSystemInfos());
        var log = await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "job-1", "blacksmith.log.jsonl"), Ct);
        foreach (var text in new[] { result.Output, result.Errors, log })
        {
            Assert.DoesNotContain(text, c => c != '\n' && c != '\t' && char.IsControl(c));
        }

        // The JSON log escapes what it holds: a backspace or an escape would show as one of these.
        Assert.DoesNotContain("\\b", log, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0008", log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u001b", log, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<CliResult> RunAsync(string job, params string[] extra) => CliProcess.RunAsync(
        [BlacksmithBinary.Path, "run", "--simulate", "--job-dir", Path.Combine(_dir.FullName, job), "--data-dir", Path.Combine(_dir.FullName, "data"), .. extra],
        new Dictionary<string, string?> { ["BLACKSMITH_BUILDKIT_ROOT"] = null, ["BLACKSMITH_DATA_DIR"] = null, ["BLACKSMITH_JOB_DIR"] = null },
        Ct);
}
