using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// The launchers behind the two actions, setup-docker-builder's node entry files and build-push-action's composite
/// step: which binary they start and how, and that the step's outcome and the runner's cancellation signals pass
/// through them unchanged. The binary is a recording stand-in. Here node is the one on PATH; <see cref="LauncherOnNode24Tests"/>
/// runs every case again on the node 24 that tests/node pins, so both of launch()'s ways (exec where node has
/// process.execve, spawn and forward where it has not) are pinned whichever node the machine has.
/// </summary>
public class LauncherTests
{
    /// <summary>One stage of each kind of launcher: node (setup-docker-builder's post) and the composite (build-push-action).</summary>
    public static TheoryData<string> Launchers() => ["setup-docker-builder/post.js", "build-push-action"];

    /// <summary>The harness on the node these tests run on.</summary>
    private protected virtual LauncherHarness CreateHarness() => LauncherHarness.Create();

    [Theory]
    [InlineData("setup-docker-builder/main.js", "setup")]
    [InlineData("setup-docker-builder/post.js", "post")]
    [InlineData("build-push-action", "build")]
    public async Task Each_entry_file_runs_the_binary_with_its_verb(string entry, string verb)
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(verb + "\n", harness.Recorded("argv"));
    }

    [Theory]
    [InlineData("setup-docker-builder/main.js", "setup")]
    [InlineData("setup-docker-builder/post.js", "post")]
    public async Task Each_entry_file_runs_its_verb_with_no_other_file_of_the_actions_beside_it(string entry, string verb)
    {
        using var harness = CreateHarness();
        // The entry file carries the launcher: node reads and compiles one file before the exec, not two.
        Directory.Delete(Path.Combine(harness.Repository, "actions", "launcher"), recursive: true);

        var launched = await harness.RunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });
        Assert.Equal(0, launched.ExitCode);
        Assert.Equal(verb + "\n", harness.Recorded("argv"));

        File.Delete(Path.Combine(harness.Records, "argv"));
        var ran = await harness.LoadAndRunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });
        Assert.Contains($"{LauncherHarness.ResolvedLine} 0 exitCode=unset", ran.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(verb + "\n", harness.Recorded("argv"));
    }

    [Fact]
    public async Task The_binary_gets_the_step_environment_unchanged_hyphenated_input_names_included()
    {
        using var harness = CreateHarness();

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
    [InlineData("setup-docker-builder/post.js", 0)]
    [InlineData("setup-docker-builder/post.js", 1)]
    [InlineData("setup-docker-builder/post.js", 70)]
    [InlineData("build-push-action", 0)]
    [InlineData("build-push-action", 1)]
    [InlineData("build-push-action", 2)]
    [InlineData("build-push-action", 70)]
    [InlineData("build-push-action", 130)]
    public async Task The_step_exits_with_the_binarys_exit_code(string entry, int exitCode)
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(entry, new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = harness.WriteStandIn(),
            ["STANDIN_EXIT"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(exitCode, run.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Launchers))]
    public async Task A_binary_killed_by_a_signal_fails_the_step_with_128_plus_the_signal_number(string entry)
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(entry, new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = harness.WriteStandIn(),
            ["STANDIN_MODE"] = "die",
        });

        Assert.Equal(128 + 9, run.ExitCode);
    }

    [Theory]
    [InlineData("setup-docker-builder/post.js", "SIGINT", 130)]
    [InlineData("setup-docker-builder/post.js", "SIGTERM", 143)]
    [InlineData("build-push-action", "SIGINT", 130)]
    [InlineData("build-push-action", "SIGTERM", 143)]
    public async Task A_cancellation_signal_sent_to_the_step_reaches_the_binary_and_its_exit_code_comes_back(string entry, string signal, int exitCode)
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(
            entry,
            new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn(), ["STANDIN_MODE"] = "wait" },
            signal);

        Assert.Equal(signal + "\n", harness.Recorded("signal"));
        Assert.Equal(exitCode, run.ExitCode);
    }

    [Fact]
    public async Task Where_node_can_exec_the_binary_replaces_it_and_is_the_process_the_runner_started()
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync("setup-docker-builder/post.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });

        Assert.Equal(0, run.ExitCode);
        var binaryPid = int.Parse(harness.Recorded("pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // With process.execve the binary is the runner's direct child, so its signals and exit code are the step's with no
        // relay; without it, a child of node that node forwards to.
        Assert.Equal(harness.NodeCanExec, binaryPid == run.ProcessId);
        // process.execve is experimental: its warning must not reach the step's log.
        Assert.DoesNotContain("ExperimentalWarning", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("experimental", run.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_binary_starts_with_no_signal_ignored_and_the_stdout_it_was_given()
    {
        using var harness = CreateHarness();

        await harness.RunAsync("setup-docker-builder/post.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });

        // Node ignores SIGPIPE and SIGXFSZ, and an exec keeps what is ignored: the binary must start as a spawned child
        // does, with neither ignored (nor would the daemons it starts).
        Assert.Equal("0000000000000000\n", harness.Recorded("sigign"));
        // Node may leave a pipe it has written to non-blocking (O_NONBLOCK, 04000, set on the pipe, so shared with the
        // binary): the binary gets its stdout as the runner gave it, blocking.
        var flags = Convert.ToInt32(harness.Recorded("stdout-flags").Trim(), 8);
        Assert.Equal(0, flags & 0x800);
    }

    [Theory]
    [InlineData("another-architecture", "ENOEXEC")]
    [InlineData("missing-loader", "ENOENT")]
    [InlineData("missing-interpreter", "ENOENT")]
    public async Task An_executable_the_kernel_refuses_is_one_error_with_the_reason_and_exit_1(string kind, string reason)
    {
        using var harness = CreateHarness();
        var binary = Path.Combine(harness.Repository, "build", "blacksmith");
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        if (kind == "missing-interpreter")
        {
            WriteExecutable(binary, System.Text.Encoding.ASCII.GetBytes("#!/nonexistent/sh\nexit 0\n"));
        }
        else
        {
            var elf = await File.ReadAllBytesAsync("/bin/true", TestContext.Current.CancellationToken);
            if (kind == "another-architecture")
            {
                (elf[18], elf[19]) = elf[18] == 0x3E ? ((byte)0xB7, (byte)0) : ((byte)0x3E, (byte)0);
            }
            else
            {
                // The dynamic loader's path, renamed in place to one that does not exist.
                var loader = System.Text.Encoding.ASCII.GetBytes("/ld-linux");
                var at = elf.AsSpan().IndexOf(loader);
                Assert.True(at > 0, "/bin/true names no dynamic loader");
                elf[at + 1] = (byte)'X';
            }

            WriteExecutable(binary, elf);
        }

        var run = await harness.RunAsync("setup-docker-builder/post.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = binary });

        // Not node's abort (134, a native stack trace) on a failed exec: the step's one line, and 1.
        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains($"Could not start {binary} post", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain("stack trace", run.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_node_whose_execve_throws_is_one_error_with_the_reason_and_exit_1()
    {
        using var harness = CreateHarness();
        // A node that throws on a failed exec (newer than 24.22) rather than aborting, stood in for by a preloaded
        // process.execve that throws as it does.
        var throwing = Path.Combine(harness.Repository, "throwing-execve.js");
        await File.WriteAllTextAsync(
            throwing,
            "process.execve = (file) => { const error = new Error(`execve failed: ${file}`); error.code = 'ETXTBSY'; throw error; };\n",
            TestContext.Current.CancellationToken);
        var binary = harness.WriteStandIn();

        var run = await harness.RunAsync("setup-docker-builder/post.js", new Dictionary<string, string?>
        {
            ["BLACKSMITH_BINARY"] = binary,
            ["NODE_OPTIONS"] = $"--require {throwing}",
        });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains($"Could not start {binary} post: execve failed: {binary} (ETXTBSY)", error, StringComparison.Ordinal);
        Assert.False(harness.HasRecorded("argv"));
    }

    [Theory]
    [InlineData("setup-docker-builder/main.js", "setup", "X64", "linux-x64")]
    [InlineData("setup-docker-builder/main.js", "setup", "ARM64", "linux-arm64")]
    [InlineData("build-push-action", "build", "X64", "linux-x64")]
    [InlineData("build-push-action", "build", "ARM64", "linux-arm64")]
    public async Task Without_an_override_the_binary_comes_from_dist_for_the_runner_architecture(string entry, string verb, string arch, string rid)
    {
        using var harness = CreateHarness();
        harness.WriteStandIn($"dist/{rid}/blacksmith");

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["RUNNER_ARCH"] = arch });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(verb + "\n", harness.Recorded("argv"));
    }

    [Theory]
    [InlineData("setup-docker-builder/main.js", "Windows", "X64")]
    [InlineData("setup-docker-builder/main.js", "macOS", "ARM64")]
    [InlineData("setup-docker-builder/main.js", "Linux", "ARM")]
    [InlineData("setup-docker-builder/main.js", "Linux", "X86")]
    [InlineData("build-push-action", "Windows", "X64")]
    [InlineData("build-push-action", "Linux", "ARM")]
    public async Task An_unsupported_runner_is_a_clear_error_naming_it(string entry, string runnerOs, string arch)
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(entry, new Dictionary<string, string?>
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

    [Theory]
    [MemberData(nameof(Launchers))]
    public async Task A_missing_binary_is_a_clear_error_saying_where_it_was_expected_and_how_to_build_it(string entry)
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["RUNNER_ARCH"] = "ARM64" });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains(Path.Combine(harness.Repository, "dist", "linux-arm64", "blacksmith"), error, StringComparison.Ordinal);
        Assert.Contains("eng/publish.sh linux-arm64", error, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_BINARY", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Launchers))]
    public async Task An_override_pointing_nowhere_is_a_clear_error_naming_the_variable_and_path(string entry)
    {
        using var harness = CreateHarness();
        var nowhere = Path.Combine(harness.Repository, "no-such-build", "blacksmith");

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = nowhere });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"BLACKSMITH_BINARY is set to {nowhere}, which does not exist", run.SingleError(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Launchers))]
    public async Task An_override_pointing_at_an_assembly_names_the_executable_to_use_instead(string entry)
    {
        using var harness = CreateHarness();
        var assembly = Path.Combine(harness.Repository, "bin", "blacksmith.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(assembly)!);
        await File.WriteAllTextAsync(assembly, "", TestContext.Current.CancellationToken);

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = assembly });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"point it at the executable next to it ({Path.Combine(harness.Repository, "bin", "blacksmith")})", run.SingleError(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup-docker-builder/post.js", "post")]
    [InlineData("build-push-action", "build")]
    public async Task A_binary_that_cannot_be_started_is_an_error_with_the_reason_not_a_silent_pass(string entry, string verb)
    {
        using var harness = CreateHarness();
        var notExecutable = Path.Combine(harness.Repository, "blacksmith");
        await File.WriteAllTextAsync(notExecutable, "not a program", TestContext.Current.CancellationToken);

        var run = await harness.RunAsync(entry, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = notExecutable });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains($"Could not start {notExecutable} {verb}", error, StringComparison.Ordinal);
        Assert.Contains("EACCES", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_push_action_refuses_a_binary_of_another_architecture_in_one_line()
    {
        using var harness = CreateHarness();
        var foreign = Path.Combine(harness.Repository, "dist", "linux-x64", "blacksmith");
        Directory.CreateDirectory(Path.GetDirectoryName(foreign)!);
        // This machine's own /bin/true with the ELF header naming the other architecture: the kernel refuses it (ENOEXEC).
        var elf = await File.ReadAllBytesAsync("/bin/true", TestContext.Current.CancellationToken);
        (elf[18], elf[19]) = elf[18] == 0x3E ? ((byte)0xB7, (byte)0) : ((byte)0x3E, (byte)0);
        WriteExecutable(foreign, elf);

        var run = await harness.RunAsync("build-push-action", new Dictionary<string, string?> { ["RUNNER_ARCH"] = "X64" });

        Assert.Equal(1, run.ExitCode);
        var error = run.SingleError();
        Assert.Contains($"Could not start {foreign} build: it is not a program for this machine", error, StringComparison.Ordinal);
        Assert.Contains("ENOEXEC", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_push_action_gives_the_binary_every_input_as_a_javascript_action_would()
    {
        using var harness = CreateHarness();
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cache-from"] = "type=gha",
            ["tags"] = "acme/web:1\nacme/web:latest",
            ["build-args"] = "A=1 2",
            ["secrets"] = "token=abc'\"$HOME",
        };

        var run = await harness.RunCompositeAsync("build-push-action", inputs, new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = harness.WriteStandIn() });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("build\n", harness.Recorded("argv"));
        var environment = harness.Recorded("env");
        // As the runner would set them for a node action: every declared input, given, defaulted or empty.
        Assert.Contains("\nINPUT_CACHE-FROM=type=gha\n", environment, StringComparison.Ordinal);
        Assert.Contains("\nINPUT_TAGS=acme/web:1\nacme/web:latest\n", environment, StringComparison.Ordinal);
        Assert.Contains("\nINPUT_BUILD-ARGS=A=1 2\n", environment, StringComparison.Ordinal);
        Assert.Contains("\nINPUT_SECRETS=token=abc'\"$HOME\n", environment, StringComparison.Ordinal);
        Assert.Contains("\nINPUT_PUSH=false\n", environment, StringComparison.Ordinal);
        Assert.Contains($"\nINPUT_GITHUB-TOKEN={LauncherHarness.FakeToken}\n", environment, StringComparison.Ordinal);
        Assert.Contains("\nINPUT_CGROUP-PARENT=\n", environment, StringComparison.Ordinal);
        Assert.DoesNotContain(LauncherHarness.FakeToken, harness.Recorded("argv"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup-docker-builder/main.js", "setup")]
    [InlineData("setup-docker-builder/post.js", "post")]
    public async Task Loaded_as_a_module_each_entry_file_starts_nothing_until_run_is_called_then_runs_its_verb(string entry, string verb)
    {
        using var harness = CreateHarness();

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
        using var harness = CreateHarness();

        var run = await harness.LoadAndRunAsync("setup-docker-builder/post.js", new Dictionary<string, string?>
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
        using var harness = CreateHarness();
        var nowhere = Path.Combine(harness.Repository, "no-such-build", "blacksmith");

        var run = await harness.LoadAndRunAsync("setup-docker-builder/main.js", new Dictionary<string, string?> { ["BLACKSMITH_BINARY"] = nowhere });

        Assert.Contains($"BLACKSMITH_BINARY is set to {nowhere}, which does not exist", run.SingleError(), StringComparison.Ordinal);
        Assert.Contains($"{LauncherHarness.ResolvedLine} 1 exitCode=1", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, run.ExitCode);
    }

    /// <summary>An executable the launcher runs, made out of process where the test host could hold it open (<see cref="ExecutableFile"/>).</summary>
    private static void WriteExecutable(string path, byte[] content)
    {
        if (OperatingSystem.IsLinux())
        {
            ExecutableFile.Write(path, content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            File.WriteAllBytes(path, content);
        }
    }
}
