using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Journal;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// The mistakes users make, run through the blacksmith executable: each is one line naming the verb, what is wrong and
/// what to do, with the exit code of ADR 0004, never a stack trace, and nothing is done before it is found.
/// </summary>
public sealed class CliMistakeTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-mistakes-");

    private string Job => Path.Combine(_dir.FullName, "job");

    private string Data => Path.Combine(_dir.FullName, "data");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("setup")]
    [InlineData("build")]
    [InlineData("post")]
    [InlineData("status")]
    public async Task Without_a_job_directory_every_verb_that_needs_one_exits_2_saying_how_to_give_one(string verb)
    {
        var result = await RunAsync(verb);

        AssertOneLine(result, 2, $"blacksmith {verb}: Cannot tell which CI job this is, so there is no job directory to keep the journal in. Pass --job-dir <dir> or set BLACKSMITH_JOB_DIR");
    }

    [Theory]
    [InlineData("setup")]
    [InlineData("status")]
    public async Task A_relative_job_directory_exits_2(string verb)
    {
        var result = await RunAsync(verb, "--job-dir", "relative/job");

        AssertOneLine(result, 2, $"blacksmith {verb}: --job-dir must be an absolute path, but is 'relative/job': steps of one job may run in different working directories.");
    }

    [Fact]
    public async Task A_job_directory_that_is_a_file_exits_2()
    {
        var file = Path.Combine(_dir.FullName, "a-file");
        await File.WriteAllTextAsync(file, "", Ct);

        var setup = await RunAsync("setup", "--job-dir", file, "--data-dir", Data);
        var status = await RunAsync("status", "--job-dir", file);

        AssertOneLine(setup, 2, $"blacksmith setup: The job directory {file} (from --job-dir) is a file, not a directory. Choose a directory this user can write to with --job-dir or BLACKSMITH_JOB_DIR.");
        AssertOneLine(status, 2, $"blacksmith status: The job directory {file} is a file, not a directory; pass the job's directory with --job-dir.");
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task A_job_directory_that_cannot_be_created_exits_2()
    {
        // Nobody, root included, can make a directory in /proc.
        var result = await RunAsync("build", "--job-dir", "/proc/blacksmith-test-job", "--data-dir", Data);

        AssertOneLine(result, 2, "blacksmith build: The job directory /proc/blacksmith-test-job (from --job-dir) cannot be created or written to: ");
        Assert.EndsWith("Choose a directory this user can write to with --job-dir or BLACKSMITH_JOB_DIR.", result.Errors.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup")]
    [InlineData("build")]
    [InlineData("post")]
    [InlineData("run")]
    public async Task A_job_directory_that_is_a_symbolic_link_exits_2_and_nothing_is_written_where_it_points(string verb)
    {
        // What a job directory linked to /etc would get: the journal, its lock, the logs, the state, the config.
        var target = Directory.CreateDirectory(Path.Combine(_dir.FullName, "etc")).FullName;
        var link = Path.Combine(_dir.FullName, "job-link");
        File.CreateSymbolicLink(link, target);

        var result = await RunAsync(verb == "run" ? ["run", "--simulate", "--job-dir", link, "--data-dir", Data] : [verb, "--job-dir", link, "--data-dir", Data]);

        AssertOneLine(result, 2, $"blacksmith {verb}: The job directory {link} (from --job-dir) is a symbolic link (to {target}); ");
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task A_job_directory_owned_by_another_user_exits_2_and_nothing_is_written_in_it()
    {
        Assert.SkipUnless(Environment.UserName == "root", "only root can make a directory that belongs to another user");
        const int nobody = 65534;
        var foreign = Directory.CreateDirectory(Path.Combine(_dir.FullName, "foreign-job")).FullName;
        await ChownAsync(foreign, nobody);

        var setup = await RunAsync("setup", "--job-dir", foreign, "--data-dir", Data);
        var post = await RunAsync(["post", "--data-dir", Data], new() { [JobDirectory.EnvironmentVariable] = foreign });

        AssertOneLine(setup, 2, $"blacksmith setup: The job directory {foreign} (from --job-dir) belongs to uid {nobody}, not to this user (uid 0); ");
        AssertOneLine(post, 2, $"blacksmith post: The job directory {foreign} (from BLACKSMITH_JOB_DIR) belongs to uid {nobody}, not to this user (uid 0); ");
        Assert.Empty(Directory.EnumerateFileSystemEntries(foreign));
    }

    private static async Task ChownAsync(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        await chown.WaitForExitAsync(Ct);
        Assert.Equal(0, chown.ExitCode);
    }

    [Fact]
    public async Task An_output_file_that_is_a_directory_exits_2_before_the_job_directory_is_made()
    {
        var result = await RunAsync("build", "--job-dir", Job, "--data-dir", Data, "--output-file", _dir.FullName);

        AssertOneLine(result, 2, $"blacksmith build: --output-file {_dir.FullName} is a directory; give the path of a JSON file to merge the outputs into (it is created when missing).");
        Assert.False(Directory.Exists(Job));
    }

    [Fact]
    public async Task A_relative_data_directory_exits_2()
    {
        var result = await RunAsync("post", "--job-dir", Job, "--data-dir", "data");

        AssertOneLine(result, 2, "blacksmith post: --data-dir must be an absolute path, not 'data': steps of one job may run in different working directories, and each must find the same store.");
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_exits_2_for_every_verb_that_uses_the_store()
    {
        var file = Path.Combine(_dir.FullName, "a-file");
        await File.WriteAllTextAsync(file, "", Ct);

        AssertOneLine(await RunAsync("setup", "--job-dir", Job, "--data-dir", file), 2, $"blacksmith setup: --data-dir {file} is a file;");
        AssertOneLine(await RunAsync("store", "ls", "--data-dir", file), 2, $"blacksmith store ls: The data directory {file} is a file;");
        AssertOneLine(await RunAsync("run", "--simulate", "--job-dir", Job, "--data-dir", file), 2, $"blacksmith run: The data directory {file} is a file;");
        Assert.False(Directory.Exists(Job));
    }

    [Fact]
    public async Task Setup_with_an_invalid_cache_key_exits_2_before_any_effect()
    {
        var result = await RunAsync("setup", "--job-dir", Job, "--data-dir", Data, "--cache-key", "../escape");

        AssertOneLine(result, 2, "blacksmith setup: --cache-key '../escape' is not a valid cache key: it starts with '.'; a key is 1-128 characters:");
        Assert.False(Directory.Exists(Job));
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Setup_with_an_invalid_cache_key_in_the_environment_names_the_variable()
    {
        var result = await RunAsync(["setup", "--job-dir", Job, "--data-dir", Data], new() { [GenericCiRuntime.InputVariable("cache-key")] = "has space" });

        AssertOneLine(result, 2, "blacksmith setup: BLACKSMITH_CACHE_KEY 'has space' is not a valid cache key: it contains the character U+0020;");
    }

    [Theory]
    [InlineData("nofallback", "yes", "which is not a boolean")]
    [InlineData("max-parallelism", "0", "must be a whole number from 1")]
    [InlineData("commit", "sometimes", "must be auto, always-on-success or never")]
    public async Task A_bad_setup_input_exits_2_naming_it_before_any_effect(string input, string value, string complaint)
    {
        var result = await RunAsync("setup", "--job-dir", Job, "--data-dir", Data, $"--{input}", value);

        var line = AssertOneLine(result, 2, "blacksmith setup: ");
        Assert.Contains($"--{input}", line, StringComparison.Ordinal);
        Assert.Contains(complaint, line, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(Job));
    }

    [Fact]
    public async Task A_secret_given_as_a_flag_is_warned_about_without_being_shown()
    {
        var token = "ghs_" + new string('x', 36);

        var result = await RunAsync("setup", "--job-dir", Job, "--data-dir", Data, "--github-token", token, "--cache-key", "../stop-before-anything");

        Assert.True(result.ExitCode == 2, result.ToString());
        var warning = Assert.Single(Lines(result.Errors), l => l.StartsWith("Warning: --github-token was given on the command line", StringComparison.Ordinal));
        Assert.Contains("/cmdline", warning, StringComparison.Ordinal);
        Assert.Contains("Pass it in BLACKSMITH_GITHUB_TOKEN instead.", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.Output + result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_file_that_cannot_be_read_does_not_keep_post_from_draining_it_warns_and_acts_for_the_owner()
    {
        Directory.CreateDirectory(Job);
        await File.WriteAllTextAsync(Path.Combine(Job, GenericCiRuntime.StateFileName), "{ not json", Ct);

        var result = await RunAsync("post", "--job-dir", Job, "--data-dir", Data, "--job-status", "success");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"post could not read the session its main step saved (Cannot read the state file '{Path.Combine(Job, GenericCiRuntime.StateFileName)}'", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_maximum_job_duration_that_is_not_one_stops_setup_before_anything_and_leaves_post_draining()
    {
        var environment = new Dictionary<string, string?> { ["BLACKSMITH_MAX_JOB_DURATION"] = "soon" };

        var setup = await RunAsync(["setup", "--job-dir", Job, "--data-dir", Data, "--cache-key", "shop"], environment);
        var journaled = File.Exists(Path.Combine(Job, "journal.jsonl"));
        var post = await RunAsync(["post", "--job-dir", Job, "--data-dir", Data, "--job-status", "success"], environment);

        Assert.True(setup.ExitCode == 2, setup.ToString());
        Assert.Single(Lines(setup.Errors), l => l.Contains("BLACKSMITH_MAX_JOB_DURATION must be a positive duration", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", setup.Errors + setup.Output, StringComparison.Ordinal);
        Assert.False(journaled, "setup journaled something before refusing");
        Assert.True(post.ExitCode == 0, post.ToString());
    }

    [Fact]
    public async Task A_hand_edited_journal_makes_post_release_what_the_claim_names_commit_nothing_say_so_and_exit_1()
    {
        Directory.CreateDirectory(Job);
        var journal = Path.Combine(Job, "journal.jsonl");
        await File.WriteAllTextAsync(journal, "edited by hand\n", Ct);

        var result = await RunAsync("post", "--job-dir", Job, "--data-dir", Data);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain("   at ", result.Errors + result.Output, StringComparison.Ordinal);
        var line = Assert.Single(Lines(result.Errors), l => l.Contains("post:", StringComparison.Ordinal));
        Assert.Contains($"this job's journal {journal} is unusable: it has a malformed record", line, StringComparison.Ordinal);
        Assert.Contains("The cache is not committed", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build")]
    [InlineData("status")]
    public async Task A_hand_edited_journal_fails_with_one_line_and_exit_1(string verb)
    {
        Directory.CreateDirectory(Job);
        await File.WriteAllTextAsync(Path.Combine(Job, "journal.jsonl"), "edited by hand\n", Ct);

        var result = await RunAsync(verb == "status" ? [verb, "--job-dir", Job] : [verb, "--job-dir", Job, "--data-dir", Data]);

        AssertOneLine(result, 1, $"blacksmith {verb}: The job's journal has a malformed line, so the job's record cannot be trusted: journal record 1: line 1 of {Path.Combine(Job, "journal.jsonl")} is not a valid journal record");
    }

    [Fact]
    public async Task An_unknown_verb_exits_2_with_the_parser_error_and_a_hint()
    {
        var result = await RunAsync("frob");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            ["blacksmith: Required command was not provided.", "blacksmith: Unrecognized command or argument 'frob'.", "blacksmith: Run 'blacksmith --help' for the verbs."],
            Lines(result.Errors));
    }

    [Fact]
    public async Task A_missing_option_value_exits_2_with_the_parser_error_and_a_hint()
    {
        var result = await RunAsync("status", "--job-dir");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            ["blacksmith status: Required argument missing for option: '--job-dir'.", "blacksmith status: Run 'blacksmith status --help' for its options."],
            Lines(result.Errors));
    }

    [Fact]
    public async Task An_unparsable_option_value_exits_2_with_the_parser_error_and_a_hint()
    {
        var result = await RunAsync("store", "gc", "--keep", "many", "--data-dir", Data);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(2, Lines(result.Errors).Length);
        Assert.Equal("blacksmith store gc: --keep must be a whole number, not 'many'.", Lines(result.Errors)[0]);
        Assert.Equal("blacksmith store gc: Run 'blacksmith store gc --help' for its options.", Lines(result.Errors)[1]);
    }

    [Theory]
    [InlineData("99999999999999999999T")]
    [InlineData("8388608T")]
    [InlineData("79228162514264337593543950335")]
    public async Task A_size_cap_beyond_any_size_exits_2_saying_it_is_not_a_size(string size)
    {
        var result = await RunAsync("store", "gc", "--size-cap", size, "--data-dir", Data);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"blacksmith store gc: --size-cap '{size}' is not a size: a number of bytes with an optional K, M, G or T (e.g. 500M, 50G).", Lines(result.Errors)[0]);
        Assert.DoesNotContain("   at ", result.Errors + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_age_too_long_for_a_duration_exits_2_saying_so_in_one_line()
    {
        var result = await RunAsync("store", "gc", "--abandoned-after", "20000000d", "--data-dir", Data);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("blacksmith store gc: --abandoned-after '20000000d' is too long to be an age (at most 10675199d).", Lines(result.Errors)[0]);
        Assert.DoesNotContain("   at ", result.Errors + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_maximum_job_duration_too_long_for_a_duration_stops_setup_in_one_line_and_leaves_post_draining()
    {
        var environment = new Dictionary<string, string?> { ["BLACKSMITH_MAX_JOB_DURATION"] = "20000000d" };

        var setup = await RunAsync(["setup", "--job-dir", Job, "--data-dir", Data, "--cache-key", "shop"], environment);
        var post = await RunAsync(["post", "--job-dir", Job, "--data-dir", Data, "--job-status", "success"], environment);

        Assert.True(setup.ExitCode == 2, setup.ToString());
        Assert.Single(Lines(setup.Errors), l => l.Contains("BLACKSMITH_MAX_JOB_DURATION is too long to be a duration (at most 10675199d), not '20000000d'", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", setup.Errors + setup.Output, StringComparison.Ordinal);
        Assert.True(post.ExitCode == 0, post.ToString());
    }

    [Fact]
    public async Task Replay_without_a_file_exits_2()
    {
        var result = await RunAsync("replay");

        AssertOneLine(result, 2, "blacksmith replay: replay needs a FILE (a scenario, a journal or a job directory), or --fault-matrix.");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4")]
    public async Task Run_refuses_a_build_number_to_fail_that_it_will_not_run(string failBuild)
    {
        var result = await RunAsync("run", "--simulate", "--job-dir", Job, "--data-dir", Data, "--fail-build", failBuild);

        AssertOneLine(result, 2, $"blacksmith run: --fail-build must be a build number from 1 to 3 (--builds), not {failBuild}.");
        Assert.False(Directory.Exists(Job));
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Store_rm_of_a_key_the_store_would_refuse_exits_2()
    {
        var result = await RunAsync("store", "rm", "a//b", "--data-dir", Data);

        AssertOneLine(result, 2, "blacksmith store rm: 'a//b' is not a cache key: it contains '//';");
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The one line the verb printed on standard error, after checking the exit code and that no trace came with it.</summary>
    private static string AssertOneLine(CliResult result, int exitCode, string start)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.DoesNotContain("Unhandled exception", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Errors + result.Output, StringComparison.Ordinal);
        var verb = start[..(start.IndexOf(':', StringComparison.Ordinal) + 1)];
        var line = Assert.Single(Lines(result.Errors), l => l.StartsWith(verb, StringComparison.Ordinal));
        Assert.StartsWith(start, line, StringComparison.Ordinal);
        return line;
    }

    private Task<CliResult> RunAsync(params string[] arguments) => RunAsync(arguments, []);

    private Task<CliResult> RunAsync(string[] arguments, Dictionary<string, string?> environment)
    {
        // Nothing of the developer's or the CI's own job may leak in: these are calls from a plain shell.
        foreach (var variable in new[]
        {
            "GITHUB_ACTIONS", "RUNNER_TEMP", "GITHUB_RUN_ID", "GITHUB_JOB", "CI_JOB_ID", "GITLAB_CI", "BUILDKITE", "BUILDKITE_JOB_ID",
            JobDirectory.EnvironmentVariable, "BLACKSMITH_DATA_DIR", "BLACKSMITH_VM_ID", "BLACKSMITH_STICKYDISK_TOKEN", "BLACKSMITH_JOB_STATUS",
            "BLACKSMITH_CACHE_KEY", "BLACKSMITH_BUILDKIT_ROOT", "BLACKSMITH_BUILDKIT_ADDRESS",
        })
        {
            environment.TryAdd(variable, null);
        }

        environment["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(_dir.FullName, "claims");
        return CliProcess.RunAsync([BlacksmithBinary.Path, .. arguments], environment, Ct);
    }
}
