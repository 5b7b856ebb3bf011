using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Tests.Processes;

/// <summary>
/// The sudo prefix. The real sudo is not exercised (these tests run as root); a stand-in <c>sudo</c> that parses the
/// options we pass and runs the command checks the argument vector end to end.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PrivilegeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void As_root_a_command_runs_as_it_is_with_the_tool_resolved()
    {
        var tool = FakeTools.Executable(_temp.Path, "mytool", "#!/bin/sh\n");
        var privilege = new Privilege(isRoot: true, searchPath: _temp.Path);

        var elevated = privilege.Elevate(new ProcessCommand("mytool", ["a", "b"]) { OutputLevel = LogLevel.Debug });

        Assert.Equal(tool, elevated.Tool);
        Assert.Equal(["a", "b"], elevated.Arguments);
        Assert.Equal("mytool", elevated.Name);
        Assert.False(elevated.Elevated);
        Assert.Equal(LogLevel.Debug, elevated.OutputLevel);
    }

    [Fact]
    public void Not_root_a_command_goes_through_sudo_n_with_the_absolute_tool_and_variable_names_only()
    {
        var tool = FakeTools.Executable(_temp.Path, "mytool", "#!/bin/sh\n");
        var sudo = FakeTools.Sudo(_temp.Path);
        var privilege = new Privilege(isRoot: false, searchPath: _temp.Path);
        var command = new ProcessCommand("mytool", ["-x", "two words"])
        {
            Environment = new Dictionary<string, string> { ["ZED"] = "secret-z", ["ALPHA"] = "secret-a" },
        };

        var elevated = privilege.Elevate(command);

        Assert.Equal(sudo, elevated.Tool);
        Assert.Equal(["-n", "--preserve-env=ALPHA,ZED", "--", tool, "-x", "two words"], elevated.Arguments);
        Assert.DoesNotContain(elevated.Arguments, a => a.Contains("secret", StringComparison.Ordinal));
        Assert.Equal("mytool", elevated.Name);
        Assert.True(elevated.Elevated);
        Assert.Same(command.Environment, elevated.Environment);
    }

    [Fact]
    public void Not_root_without_sudo_is_reported_as_missing_sudo()
    {
        FakeTools.Executable(_temp.Path, "mytool", "#!/bin/sh\n");
        var privilege = new Privilege(isRoot: false, searchPath: _temp.Path);

        var error = Assert.Throws<ExternalCallException>(() => privilege.Elevate(new ProcessCommand("mytool", [])));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Contains("sudo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_privileged_tool_is_reported_before_sudo_is_looked_for()
    {
        var privilege = new Privilege(isRoot: false, searchPath: _temp.Path);

        var error = Assert.Throws<ExternalCallException>(() => privilege.Elevate(new ProcessCommand("mkfs.nothing", [])));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Equal("mkfs.nothing", error.Operation);
    }

    [Fact]
    public async Task An_elevated_command_runs_through_the_sudo_stand_in_with_its_arguments_and_environment_intact()
    {
        FakeTools.Sudo(_temp.Path);
        var privilege = new Privilege(isRoot: false, searchPath: $"{_temp.Path}:/usr/bin:/bin");
        var runner = new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System);
        var command = privilege.Elevate(new ProcessCommand("sh", ["-c", "printf '%s|' \"$@\" \"$TOKEN\"", "sh", "a b", "--", "-n"])
        {
            Environment = new Dictionary<string, string> { ["TOKEN"] = "t0k" },
        });

        var outcome = await runner.RunAsync(command, TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded, outcome.Describe());
        Assert.Equal("a b|--|-n|t0k|", outcome.StandardOutput.TrimEnd('\n'));
        Assert.Equal("sh", outcome.Command);
    }

    [Fact]
    public async Task An_elevated_command_that_times_out_is_stopped_through_sudo_which_relays_the_signal()
    {
        FakeTools.Sudo(_temp.Path);
        var pidFile = Path.Combine(_temp.Path, "command.pid");
        var privilege = new Privilege(isRoot: false, searchPath: $"{_temp.Path}:/usr/bin:/bin");
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var runner = new ProcessRunner(new ListLogger<ProcessRunner>(), time);
        var command = privilege.Elevate(new ProcessCommand("sh", ["-c", $"echo $$ > '{pidFile}.tmp'; mv '{pidFile}.tmp' '{pidFile}'; exec sleep 600"])
        {
            Timeout = TimeSpan.FromSeconds(10),
        });

        var run = runner.RunAsync(command, TestContext.Current.CancellationToken);
        await OsProcesses.WaitUntilAsync(() => File.Exists(pidFile), "the elevated command to start", TestContext.Current.CancellationToken);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        time.Advance(TimeSpan.FromSeconds(10));
        var outcome = await run;

        Assert.True(outcome.TimedOut);
        // sudo passed SIGTERM on: the command died of it (sudo reports 128 + 15), no SIGKILL was needed.
        Assert.Equal(143, outcome.ExitCode);
        await OsProcesses.WaitUntilDeadAsync(pid, TestContext.Current.CancellationToken);
    }
}
