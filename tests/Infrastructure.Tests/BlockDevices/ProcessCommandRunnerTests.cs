using Blacksmith.Infrastructure.BlockDevices;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

public sealed class ProcessCommandRunnerTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);

    private readonly TempDirectory _temp = new();
    private readonly ProcessCommandRunner _runner = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_exit_code_and_both_outputs_come_back()
    {
        SkipUnlessUnix();

        var result = await _runner.RunAsync("sh", ["-c", "echo out; echo err >&2; exit 3"], Generous, Ct);

        Assert.Equal(new CommandResult(3, "out\n", "err\n"), result);
    }

    [Fact]
    public async Task Arguments_reach_the_tool_verbatim_without_a_shell()
    {
        SkipUnlessUnix();

        var result = await _runner.RunAsync("printf", ["%s|", "two words", "$HOME", "*", "a;b"], Generous, Ct);

        Assert.Equal("two words|$HOME|*|a;b|", result.StandardOutput);
    }

    [Fact]
    public async Task Tools_run_in_the_C_locale_so_their_messages_can_be_recognised()
    {
        SkipUnlessUnix();

        var result = await _runner.RunAsync("sh", ["-c", "printf %s \"$LC_ALL\""], Generous, Ct);

        Assert.Equal("C", result.StandardOutput);
    }

    [Fact]
    public async Task The_tool_cannot_wait_for_input()
    {
        SkipUnlessUnix();

        // cat copies stdin until end of input: with stdin closed it ends at once instead of waiting for a question's answer.
        var result = await _runner.RunAsync("cat", [], Generous, Ct);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task A_tool_that_is_not_installed_is_file_not_found()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(
            () => _runner.RunAsync("blacksmith-no-such-tool", [], Generous, Ct));

        Assert.Equal("blacksmith-no-such-tool", error.FileName);
    }

    [Fact]
    public async Task A_tool_that_outlives_its_timeout_is_killed_and_reported_as_a_timeout()
    {
        SkipUnlessUnix();
        var pidFile = _temp.Sub("pid");

        await Assert.ThrowsAsync<TimeoutException>(
            () => _runner.RunAsync("sh", ["-c", $"echo $$ > {pidFile}; exec sleep 600"], TimeSpan.FromMilliseconds(300), Ct));

        var pid = int.Parse(await File.ReadAllTextAsync(pidFile, Ct), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still there");
    }

    [Fact]
    public async Task Cancelling_kills_the_tool_and_cancels()
    {
        SkipUnlessUnix();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _runner.RunAsync("sleep", ["600"], Generous, cancel.Token));
    }

    private static void SkipUnlessUnix() =>
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the runner is tested with POSIX tools (sh, printf, sleep)");
}
