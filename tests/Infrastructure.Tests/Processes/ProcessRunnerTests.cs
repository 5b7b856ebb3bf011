using System.Globalization;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Processes;

[SupportedOSPlatform("linux")]
public sealed class ProcessRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListLogger<ProcessRunner> _log = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Arguments_arrive_one_by_one_whatever_a_shell_would_make_of_them()
    {
        string[] arguments =
        [
            "two words", "\"double\"", "'single'", "$HOME", "`id`", "$(id)", "; rm -rf /", "*", "", "back\\slash",
            "tab\there", "-n", "--", "ünïcödé",
        ];
        var runner = new ProcessRunner(_log, TimeProvider.System);

        var outcome = await runner.RunAsync(new ProcessCommand("printf", ["%s\\n", .. arguments]), Token);

        Assert.True(outcome.Succeeded, outcome.Describe());
        Assert.Equal([.. arguments, string.Empty], outcome.StandardOutput.Split('\n'));
    }

    [Fact]
    public async Task Progress_drawn_with_backspaces_and_colours_reaches_the_log_and_the_outcome_as_the_text_a_terminal_shows()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);

        // What mkfs.ext4 prints for its inode tables, and a coloured error.
        var outcome = await runner.RunAsync(
            new ProcessCommand("printf", [@"Writing inode tables:   0/160\b\b\b\b\b\b\b       \b\b\b\b\b\b\bdone\n\033[31;1merror:\033[0m no space\n"]), Token);

        Assert.True(outcome.Succeeded, outcome.Describe());
        Assert.Equal(["Writing inode tables: done", "error: no space", ""], outcome.StandardOutput.Split('\n'));
        var logged = _log.Messages.Where(m => m.StartsWith("[printf] ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["[printf] Writing inode tables: done", "[printf] error: no space"], logged);
        Assert.All(logged, line => Assert.DoesNotContain(line, char.IsControl));
    }

    [Fact]
    public async Task A_failing_tool_is_an_outcome_with_its_exit_code_and_last_error_line()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);

        var outcome = await runner.RunAsync(new ProcessCommand("sh", ["-c", "echo first >&2; echo 'the reason' >&2; exit 3"]), Token);

        Assert.Equal(3, outcome.ExitCode);
        Assert.False(outcome.Succeeded);
        Assert.False(outcome.TimedOut);
        Assert.Equal("the reason", outcome.LastErrorLine);
        var error = Assert.Throws<ExternalCallException>(() => outcome.EnsureSucceeded("test.fail"));
        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("the reason", error.Message, StringComparison.Ordinal);
        // As data too, for the journal: a replay reads the exit code from there, never from the message.
        Assert.Equal(new CallFailure("test.fail", ExternalErrorKind.Failed, error.Detail, 3), error.Failure);
    }

    [Fact]
    public async Task Standard_error_keeps_only_its_last_four_kilobytes()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);

        var outcome = await runner.RunAsync(
            new ProcessCommand("sh", ["-c", "i=0; while [ $i -lt 2000 ]; do echo line$i >&2; i=$((i+1)); done; exit 1"]), Token);

        Assert.InRange(outcome.StandardErrorTail.Length, 1, ProcessRunner.StandardErrorTailLimit);
        Assert.EndsWith("line1998\nline1999\n", outcome.StandardErrorTail, StringComparison.Ordinal);
        Assert.Equal("line1999", outcome.LastErrorLine);
    }

    [Fact]
    public async Task Extra_environment_variables_reach_the_tool_without_touching_its_arguments()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);
        var command = new ProcessCommand("sh", ["-c", "printf %s \"$BLACKSMITH_TEST_TOKEN\""])
        {
            Environment = new Dictionary<string, string> { ["BLACKSMITH_TEST_TOKEN"] = "s3cret value" },
        };

        var outcome = await runner.RunAsync(command, Token);

        Assert.Equal("s3cret value", outcome.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task A_tool_reading_standard_input_sees_its_end_at_once()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);

        var outcome = await runner.RunAsync(new ProcessCommand("cat", []), Token);

        Assert.True(outcome.Succeeded, outcome.Describe());
        Assert.Equal(string.Empty, outcome.StandardOutput);
    }

    [Fact]
    public async Task Output_lines_are_streamed_to_the_log_and_can_never_be_workflow_commands()
    {
        string[] lines =
        [
            "::error::injected", "   ::add-mask::x", "\t::set-output name=a::b", "text ##[error]legacy anywhere",
            "##[set-env name=A;]b", "plain line", "a :: in the middle",
        ];
        var runner = new ProcessRunner(_log, TimeProvider.System);

        var outcome = await runner.RunAsync(new ProcessCommand("printf", ["%s\\n", .. lines]), Token);

        // The outcome keeps the tool's bytes for parsing; only what is printed is neutralised.
        Assert.Equal([.. lines, string.Empty], outcome.StandardOutput.Split('\n'));
        var logged = _log.Messages.Where(m => m.StartsWith("[printf] ", StringComparison.Ordinal))
            .Select(m => m["[printf] ".Length..])
            .ToList();
        Assert.Equal(lines.Length, logged.Count);
        Assert.All(logged, line =>
        {
            // What the runner's parser does (ActionCommand.TryParseV2 trims leading whitespace; the legacy form is
            // found anywhere in the line).
            Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), line);
            Assert.DoesNotContain("##[", line, StringComparison.Ordinal);
        });
        Assert.Equal(WorkflowCommandGuard.Marker + "::error::injected", logged[0]);
        Assert.Equal("plain line", logged[5]);
        Assert.Equal("a :: in the middle", logged[6]);
        // Nothing but the invisible marker was added.
        Assert.Equal(lines, logged.Select(l => l.Replace(WorkflowCommandGuard.Marker.ToString(), string.Empty, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_missing_tool_is_reported_as_missing_with_the_path_searched()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);
        var command = new ProcessCommand("blacksmith-no-such-tool", ["x"]) { SearchPath = "/usr/bin:/bin" };

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => runner.RunAsync(command, Token));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Equal("blacksmith-no-such-tool", error.Operation);
        Assert.Contains("blacksmith-no-such-tool", error.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/bin:/bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_kills_the_tool_and_the_processes_it_started()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var runner = new ProcessRunner(_log, time);
        var (command, pids) = ParentWithChild(TimeSpan.FromSeconds(30));

        var run = runner.RunAsync(command, Token);
        var (parent, child) = await pids();
        time.Advance(TimeSpan.FromSeconds(30));
        var outcome = await run;

        Assert.True(outcome.TimedOut);
        Assert.False(outcome.Cancelled);
        Assert.False(outcome.Succeeded);
        Assert.Equal(ExternalErrorKind.Timeout, Assert.Throws<ExternalCallException>(() => outcome.EnsureSucceeded("test.timeout")).Kind);
        await OsProcesses.WaitUntilDeadAsync(parent, Token);
        await OsProcesses.WaitUntilDeadAsync(child, Token);
    }

    [Fact]
    public async Task Cancelling_kills_the_tool_and_the_processes_it_started_and_stays_cancellation()
    {
        var runner = new ProcessRunner(_log, TimeProvider.System);
        var (command, pids) = ParentWithChild(TimeSpan.FromMinutes(5));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var run = runner.RunAsync(command, cancel.Token);
        var (parent, child) = await pids();
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var outcome = Assert.IsType<ProcessCancelledException>(error).Outcome;
        Assert.True(outcome.Cancelled);
        Assert.False(outcome.TimedOut);
        await OsProcesses.WaitUntilDeadAsync(parent, Token);
        await OsProcesses.WaitUntilDeadAsync(child, Token);
    }

    /// <summary>
    /// A shell that starts a long sleep in the background and waits for it; both write their pids to files, read by the
    /// returned function once they exist.
    /// </summary>
    private (ProcessCommand Command, Func<Task<(int Parent, int Child)>> Pids) ParentWithChild(TimeSpan timeout)
    {
        var parentFile = Path.Combine(_temp.Path, "parent.pid");
        var childFile = Path.Combine(_temp.Path, "child.pid");
        var script = $"sleep 600 & echo $! > '{childFile}.tmp'; mv '{childFile}.tmp' '{childFile}'; "
            + $"echo $$ > '{parentFile}.tmp'; mv '{parentFile}.tmp' '{parentFile}'; wait";
        var command = new ProcessCommand("sh", ["-c", script]) { Timeout = timeout };
        async Task<(int Parent, int Child)> ReadPidsAsync()
        {
            await OsProcesses.WaitUntilAsync(() => File.Exists(parentFile) && File.Exists(childFile), "the pid files", Token);
            return (ReadPid(parentFile), ReadPid(childFile));
        }

        return (command, ReadPidsAsync);
    }

    private static int ReadPid(string file) => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
}
