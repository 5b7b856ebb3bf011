using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>
/// A daemon on a <c>unix://</c> socket, as every job outside Blacksmith's runners gets one: spawned, probed with
/// buildctl, found by the foreign-daemon check, and gone with its socket after a stop (against the doubles, which
/// listen and dial as buildkitd and buildctl do).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UnixSocketDaemonTests : IAsyncDisposable
{
    private readonly DaemonHarness _harness = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_daemon_on_a_socket_in_the_job_directory_is_ready_found_at_its_address_and_removes_its_socket_when_stopped()
    {
        var socket = Path.Combine(_harness.JobDirectory, "buildkitd.sock");
        var address = "unix://" + socket;
        var daemon = _harness.Daemon(_harness.Options());

        var identity = await _harness.SpawnAsync(daemon, _harness.Launch with { Address = address });

        Assert.Equal(address, identity.Address);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);
        // buildkitd's own mode for the socket: owner and group may connect.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(socket));
        var foreign = await _harness.Daemon(_harness.Options()).FindForeignAsync(_harness.TempPath + "/elsewhere", address, Token);
        Assert.Equal(address, foreign?.Address);

        Assert.Equal(SignalDelivery.Delivered, await daemon.SignalAsync(identity, DaemonSignal.Terminate, Token));
        Assert.True(await daemon.WaitForExitAsync(identity, OsProcesses.Patience, Token));

        Assert.False(File.Exists(socket));
        Assert.Null(await _harness.Daemon(_harness.Options()).FindForeignAsync(_harness.TempPath + "/elsewhere", address, Token));
    }

    [Fact]
    public async Task A_stale_socket_file_holds_nothing_and_the_next_daemon_replaces_it()
    {
        Directory.CreateDirectory(_harness.JobDirectory);
        var socket = Path.Combine(_harness.JobDirectory, "buildkitd.sock");
        // A daemon killed with SIGKILL leaves its socket file behind, with nobody listening.
        using (var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        }

        var daemon = _harness.Daemon(_harness.Options());
        Assert.Null(await daemon.FindForeignAsync(_harness.Root, "unix://" + socket, Token));

        var identity = await _harness.SpawnAsync(daemon, _harness.Launch with { Address = "unix://" + socket });

        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);
    }

    [Fact]
    public async Task A_socket_outside_the_job_directory_gets_a_private_directory_created_for_it()
    {
        var sockets = Path.Combine(_harness.TempPath, "sockets");
        var address = $"unix://{sockets}/8.1-4242.sock";
        var daemon = _harness.Daemon(_harness.Options());

        var identity = await _harness.SpawnAsync(daemon, _harness.Launch with { Address = address });

        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(sockets));
    }

    [Fact]
    public async Task The_buildkitd_double_refuses_a_socket_path_longer_than_buildkitd_takes()
    {
        var runner = new ProcessRunner(_harness.RunnerLog, TimeProvider.System);
        var socket = Path.Combine(_harness.TempPath, new string('s', 110 - _harness.TempPath.Length));

        var outcome = await runner.RunAsync(
            new ProcessCommand("buildkitd", ["--root", _harness.Root, "--addr", "unix://" + socket]) { SearchPath = _harness.SearchPath }, Token);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("unix socket path too long (> 104)", outcome.LastErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_buildctl_double_fails_like_buildctl_when_no_socket_is_there()
    {
        var runner = new ProcessRunner(_harness.RunnerLog, TimeProvider.System);
        var socket = Path.Combine(_harness.TempPath, "none.sock");

        var outcome = await runner.RunAsync(new ProcessCommand("buildctl", ["--addr", "unix://" + socket, "debug", "workers"]) { SearchPath = _harness.SearchPath }, Token);

        Assert.Equal(1, outcome.ExitCode);
        Assert.EndsWith($"dial unix {socket}: connect: no such file or directory\"", outcome.LastErrorLine, StringComparison.Ordinal);
    }
}
