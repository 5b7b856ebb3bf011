namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// The node launchers behind the two actions: which binary they start and how, and that the step's outcome and
/// the runner's cancellation signals pass through them unchanged. The binary is a recording stand-in.
/// </summary>
public sealed class LauncherTests
{
    [Theory]
    [InlineData("setup-docker-builder/main.js", "setup")]
    [InlineData("setup-docker-builder/post.js", "post")]
    [InlineData("build-push-action/main.js", "build")]
    public async Task Each_entry_file_runs_the_binary_with_its_verb(string entry, string verb)
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(verb + "\n", harness.Recorded("argv"));
    }

    [Fact]
    public async Task The_binary_gets_the_step_environment_unchanged_hyphenated_input_names_included()
    {
        using var harness = LauncherHarness.Create();

        await harness.RunAsync("setup-docker-builder/post.js", new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = harness.WriteStandIn(),
            ["INPUT_CACHE-KEY"] = "acme/web",
            ["INPUT_JOB-STATUS"] = "failure",
            ["STATE_sessionId"] = "job-42",
        });

        var environment = harness.Recorded("env").Split('\n');
        Assert.Contains("INPUT_CACHE-KEY=acme/web", environment);
        Assert.Contains("INPUT_JOB-STATUS=failure", environment);
        Assert.Contains("STATE_sessionId=job-42", environment);
        Assert.Contains("RUNNER_OS=Linux", environment);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(70)]
    [InlineData(130)]
    public async Task The_step_exits_with_the_binarys_exit_code(int exitCode)
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.RunAsync("build-push-action/main.js", new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = harness.WriteStandIn(),
            ["STANDIN_EXIT"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(exitCode, run.ExitCode);
    }

    [Fact]
    public async Task A_binary_killed_by_a_signal_fails_the_step_with_128_plus_the_signal_number()
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.RunAsync("build-push-action/main.js", new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = harness.WriteStandIn(),
            ["STANDIN_MODE"] = "die",
        });

        Assert.Equal(128 + 9, run.ExitCode);
    }

    [Theory]
    [InlineData("SIGINT", 130)]
    [InlineData("SIGTERM", 143)]
    public async Task A_cancellation_signal_sent_to_node_reaches_the_binary_and_its_exit_code_comes_back(string signal, int exitCode)
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.RunAsync(
            "build-push-action/main.js",
            new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn(), ["STANDIN_MODE"] = "wait" },
            signal);

        Assert.Equal(signal + "\n", harness.Recorded("signal"));
        Assert.Equal(exitCode, run.ExitCode);
    }

    [Theory]
    [InlineData("X64", "linux-x64")]
    [InlineData("ARM64", "linux-arm64")]
    public async Task Without_an_override_the_binary_comes_from_dist_for_the_runner_architecture(string arch, string rid)
    {
        using var harness = LauncherHarness.Create();
        harness.WriteStandIn($"dist/{rid}/blacksmith");

        var run = await harness.RunAsync("setup-docker-builder/main.js", new Dictionary<string, string?> { ["RUNNER_ARCH"] = arch });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("setup\n", harness.Recorded("argv"));
    }

    [Theory]
    [InlineData("Windows", "X64")]
    [InlineData("macOS", "ARM64")]
    [InlineData("Linux", "ARM")]
    [InlineData("Linux", "X86")]
    public async Task An_unsupported_runner_is_a_clear_error_naming_it(string runnerOs, string arch)
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.RunAsync("setup-docker-builder/main.js", new Dictionary<string, string?>
        {
            ["RUNNER_OS"] = runnerOs,
            ["RUNNER_ARCH"] = arch,
        });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains($"this runner is {runnerOs} {arch}", error, StringComparison.Ordinal);
        Assert.Contains("Linux X64 and Linux ARM64", error, StringComparison.Ordinal);
        Assert.False(harness.HasRecorded("argv"));
    }

    [Fact]
    public async Task A_missing_binary_is_a_clear_error_saying_where_it_was_expected_and_how_to_build_it()
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.RunAsync("setup-docker-builder/post.js", new Dictionary<string, string?> { ["RUNNER_ARCH"] = "ARM64" });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains(Path.Combine(harness.Repository, "dist", "linux-arm64", "blacksmith"), error, StringComparison.Ordinal);
        Assert.Contains("eng/publish.sh linux-arm64", error, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_BINARY", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_override_pointing_nowhere_is_a_clear_error_naming_the_variable_and_path()
    {
        using var harness = LauncherHarness.Create();
        var nowhere = Path.Combine(harness.Repository, "no-such-build", "blacksmith");

        var run = await harness.RunAsync("build-push-action/main.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = nowhere });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"BLACKSMITH_BINARY is set to {nowhere}, which does not exist", run.SingleError(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_override_pointing_at_an_assembly_names_the_executable_to_use_instead()
    {
        using var harness = LauncherHarness.Create();
        var assembly = Path.Combine(harness.Repository, "bin", "blacksmith.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(assembly)!);
        await File.WriteAllTextAsync(assembly, "", TestContext.Current.CancellationToken);

        var run = await harness.RunAsync("build-push-action/main.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = assembly });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"point it at the executable next to it ({Path.Combine(harness.Repository, "bin", "blacksmith")})", run.SingleError(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_that_cannot_be_started_is_an_error_with_the_reason_not_a_silent_pass()
    {
        using var harness = LauncherHarness.Create();
        var notExecutable = Path.Combine(harness.Repository, "blacksmith");
        await File.WriteAllTextAsync(notExecutable, "not a program", TestContext.Current.CancellationToken);

        var run = await harness.RunAsync("build-push-action/main.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = notExecutable });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains($"Could not start {notExecutable} build", error, StringComparison.Ordinal);
        Assert.Contains("EACCES", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup-docker-builder/main.js", "setup")]
    [InlineData("setup-docker-builder/post.js", "post")]
    [InlineData("build-push-action/main.js", "build")]
    public async Task Loaded_as_a_module_each_entry_file_starts_nothing_until_run_is_called_then_runs_its_verb(string entry, string verb)
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.LoadAndRunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(verb + "\n", harness.Recorded("argv"));
        Assert.Contains($"{LauncherHarness.ResolvedLine} 0 exitCode=unset", run.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(70)]
    public async Task Run_resolves_with_a_failing_exit_code_instead_of_exiting_and_leaves_it_as_the_process_exit_code(int exitCode)
    {
        using var harness = LauncherHarness.Create();

        var run = await harness.LoadAndRunAsync("build-push-action/main.js", new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = harness.WriteStandIn(),
            ["STANDIN_EXIT"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        // The line printed after run() resolved proves the process outlived the binary; its exit code is the step's.
        Assert.Contains($"{LauncherHarness.ResolvedLine} {exitCode} exitCode={exitCode}", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(exitCode, run.ExitCode);
    }

    [Fact]
    public async Task Run_reports_a_binary_that_cannot_be_found_and_resolves_with_1_instead_of_exiting()
    {
        using var harness = LauncherHarness.Create();
        var nowhere = Path.Combine(harness.Repository, "no-such-build", "blacksmith");

        var run = await harness.LoadAndRunAsync("setup-docker-builder/main.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = nowhere });

        Assert.Contains($"BLACKSMITH_BINARY is set to {nowhere}, which does not exist", run.SingleError(), StringComparison.Ordinal);
        Assert.Contains($"{LauncherHarness.ResolvedLine} 1 exitCode=1", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, run.ExitCode);
    }
}
