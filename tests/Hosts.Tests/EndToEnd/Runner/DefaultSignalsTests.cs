using System.Diagnostics;
using System.Globalization;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// The steps the simulated runner and the launcher harness start get every signal at its default, as a runner's steps
/// do, even where the test host was started ignoring SIGINT and SIGQUIT (a shell's background job): the parent here
/// ignores both, as such a shell makes it, and execs the command under test.
/// </summary>
public sealed class DefaultSignalsTests
{
    private const string ReportIgnored = "grep '^SigIgn:' /proc/$$/status";

    // SIGINT is signal 2 and SIGQUIT 3: bits 1 and 2 of the mask.
    private const ulong IntAndQuit = 0b110;

    [Fact]
    public async Task A_process_it_starts_ignores_no_signal_though_its_parent_ignores_sigint_and_sigquit()
    {
        var output = await UnderAnIgnoringParentAsync(DefaultSignals.StartInfo("sh", ["-c", ReportIgnored]));

        Assert.Equal(0UL, Mask(output));
    }

    [Fact]
    public async Task Started_directly_the_process_inherits_the_ignored_signals()
    {
        var output = await UnderAnIgnoringParentAsync(new ProcessStartInfo("sh", ["-c", ReportIgnored]));

        // Whatever else this test host was started ignoring, it passes on too.
        Assert.Equal(IntAndQuit, Mask(output) & IntAndQuit);
    }

    [Fact]
    public async Task The_process_it_starts_is_the_command_itself_under_the_pid_the_test_signals()
    {
        var start = DefaultSignals.StartInfo("sh", ["-c", "echo $$"]);
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await BoundedWait.ForExitAsync(process, "sh to print its pid", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(process.Id.ToString(CultureInfo.InvariantCulture), output.Trim());
    }

    // Runs the command as the child of a shell that ignores SIGINT and SIGQUIT and then execs it, and returns its output.
    private static async Task<string> UnderAnIgnoringParentAsync(ProcessStartInfo command)
    {
        var start = new ProcessStartInfo("sh", ["-c", "trap '' INT QUIT; exec \"$@\"", "sh", command.FileName, .. command.ArgumentList])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await BoundedWait.ForExitAsync(process, "the command under a parent that ignores SIGINT and SIGQUIT", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    private static ulong Mask(string output) => ulong.Parse(output.Split(':', 2)[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
