using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>
/// The path a host that is not root takes, with a stand-in for sudo (these tests run as root, and a real sudo would
/// need a sudoers rule). What the stand-in cannot show: sudo's environment reset, its pseudo-terminal monitor process,
/// and that only root may signal the daemon. docs/processes.md lists what stays untested.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BuildkitDaemonSudoTests : IAsyncDisposable
{
    private readonly DaemonHarness _harness = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Through_sudo_the_identity_is_the_daemon_not_sudo_and_signals_go_through_sudo_kill()
    {
        var tools = ToolsDirectory();
        FakeTools.Sudo(tools);
        var daemon = DaemonThroughSudo(tools);

        var identity = await _harness.SpawnAsync(daemon);

        var stat = ProcStat.TryRead(identity.Pid)!.Value;
        Assert.Equal("buildkitd", stat.Command);
        Assert.Equal(identity.StartTimeTicks, stat.StartTimeTicks);
        var sudo = ProcStat.TryRead(stat.ParentPid)!.Value;
        Assert.Equal("sudo", sudo.Command);
        Assert.Equal(sudo.Pid, sudo.SessionId);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);

        Assert.Equal(SignalDelivery.Delivered, await daemon.SignalAsync(identity, DaemonSignal.Terminate, Token));
        Assert.True(await daemon.WaitForExitAsync(identity, OsProcesses.Patience, Token));

        Assert.Contains(_harness.RunnerLog.Messages, m => m.Contains("Running kill: " + Path.Combine(tools, "sudo"), StringComparison.Ordinal));
        Assert.Contains("stopping server", await File.ReadAllTextAsync(_harness.LogFile, Token), StringComparison.Ordinal);
        await OsProcesses.WaitUntilDeadAsync(sudo.Pid, Token);
    }

    [Fact]
    public async Task Through_sudo_a_unix_socket_belongs_to_the_hosts_own_user_who_can_then_reach_the_daemon()
    {
        var tools = ToolsDirectory();
        FakeTools.Sudo(tools);
        var daemon = DaemonThroughSudo(tools);
        var socket = Path.Combine(_harness.JobDirectory, "buildkitd.sock");

        var identity = await _harness.SpawnAsync(daemon, _harness.Launch with { Address = "unix://" + socket });

        var config = TomlDocument.Parse(await File.ReadAllTextAsync(_harness.ConfigFile, Token));
        Assert.Equal((long)Unix.Libc.GetEffectiveUserId(), config.Get("grpc", "uid"));
        Assert.Equal((long)Unix.Libc.GetEffectiveGroupId(), config.Get("grpc", "gid"));
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);
        Assert.True(Unix.UnixFiles.TryGetOwner(socket, out var uid, out var gid));
        Assert.Equal((Unix.Libc.GetEffectiveUserId(), Unix.Libc.GetEffectiveGroupId()), (uid, gid));
    }

    [Fact]
    public async Task The_sudo_above_a_daemon_killed_by_someone_else_is_reaped_when_it_exits()
    {
        var tools = ToolsDirectory();
        FakeTools.Sudo(tools);
        var daemon = DaemonThroughSudo(tools);
        var identity = await _harness.SpawnAsync(daemon);
        var sudo = SudoAbove(identity);

        // Not through the adapter: another step's process, an administrator or the harness ends the daemon, and
        // nobody in this process ever waits for it.
        await OsProcesses.KillAsync(new SpawnedProcess(identity.Pid, identity.StartTimeTicks));

        await OsProcesses.WaitUntilAsync(() => IsReaped(sudo), $"sudo (pid {sudo.Pid}), this process's child, to be reaped", Token);
    }

    [Fact]
    public async Task A_sudo_that_outlives_the_wait_for_its_daemon_is_reaped_when_it_exits_later()
    {
        var tools = ToolsDirectory();
        var release = Path.Combine(_harness.TempPath, "sudo.release");
        FakeTools.Sudo(tools, lingerUntil: release);
        var daemon = DaemonThroughSudo(tools);
        var identity = await _harness.SpawnAsync(daemon);
        var sudo = SudoAbove(identity);

        // Directly: the adapter's own signal runs kill under the same lingering stand-in.
        Assert.Equal(SignalResult.Delivered, ProcessLifetime.Signal(new SpawnedProcess(identity.Pid, identity.StartTimeTicks), 15));
        Assert.True(await daemon.WaitForExitAsync(identity, OsProcesses.Patience, Token));
        Assert.False(IsReaped(sudo));
        await File.WriteAllTextAsync(release, "", Token);

        await OsProcesses.WaitUntilAsync(() => IsReaped(sudo), $"sudo (pid {sudo.Pid}), which exited after the wait gave up on it, to be reaped", Token);
    }

    [Fact]
    public async Task A_sudo_that_refuses_fails_the_spawn_with_its_message()
    {
        var tools = ToolsDirectory();
        FakeTools.Executable(tools, "sudo", "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n");
        var daemon = DaemonThroughSudo(tools);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => daemon.SpawnAsync(_harness.Launch, Token));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("sudo: a password is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sudo_that_never_starts_the_daemon_times_out_and_is_stopped()
    {
        var tools = ToolsDirectory();
        var pidFile = Path.Combine(_harness.TempPath, "sudo.pid");
        FakeTools.Executable(tools, "sudo", $"#!/bin/sh\necho $$ > '{pidFile}.tmp'; mv '{pidFile}.tmp' '{pidFile}'\nexec sleep 600\n");
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var daemon = DaemonThroughSudo(tools, time);

        var spawn = daemon.SpawnAsync(_harness.Launch, Token);
        await OsProcesses.WaitUntilAsync(() => File.Exists(pidFile), "the sudo stand-in to start", Token);
        while (!spawn.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => spawn);
        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        var sudoPid = int.Parse((await File.ReadAllTextAsync(pidFile, Token)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await OsProcesses.WaitUntilDeadAsync(sudoPid, Token);
    }

    // A directory first on the daemon's search path, for the sudo stand-in each test writes there.
    private string ToolsDirectory() => Directory.CreateDirectory(Path.Combine(_harness.TempPath, "bin")).FullName;

    // A host that is not root: the daemon starts through whatever sudo comes first on the search path, the one in tools.
    private BuildkitDaemon DaemonThroughSudo(string tools, TimeProvider? time = null)
    {
        var searchPath = $"{tools}:{_harness.SearchPath}";
        return _harness.Daemon(_harness.Options(searchPath: searchPath), new Privilege(isRoot: false, searchPath), time);
    }

    private static SpawnedProcess SudoAbove(DaemonIdentity identity)
    {
        var parent = ProcStat.TryRead(ProcStat.TryRead(identity.Pid)!.Value.ParentPid)!.Value;
        Assert.Equal("sudo", parent.Command);
        Assert.Equal(Environment.ProcessId, parent.ParentPid);
        return new SpawnedProcess(parent.Pid, parent.StartTimeTicks);
    }

    // Reaped, not merely exited: a zombie still has its /proc entry, and only its parent (this process) can clear it.
    private static bool IsReaped(SpawnedProcess process) =>
        ProcStat.TryRead(process.Pid) is not { } stat || stat.StartTimeTicks != process.StartTimeTicks;
}
