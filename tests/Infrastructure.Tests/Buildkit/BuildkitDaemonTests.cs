using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>The adapter against the buildkitd and buildctl doubles, as real processes.</summary>
[SupportedOSPlatform("linux")]
public sealed class BuildkitDaemonTests : IAsyncDisposable
{
    private readonly DaemonHarness _harness = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_spawned_daemon_becomes_ready_and_stops_on_SIGTERM_releasing_its_lock()
    {
        var daemon = _harness.Daemon(_harness.Options());

        var identity = await _harness.SpawnAsync(daemon);

        Assert.Equal(_harness.Address, identity.Address);
        var stat = ProcStat.TryRead(identity.Pid)!.Value;
        Assert.Equal(identity.StartTimeTicks, stat.StartTimeTicks);
        Assert.Equal("buildkitd", stat.Command);
        Assert.Equal(identity.Pid, stat.SessionId);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);
        Assert.True(File.Exists(Path.Combine(_harness.Root, "buildkitd.lock")));

        Assert.Equal(SignalDelivery.Delivered, await daemon.SignalAsync(identity, DaemonSignal.Terminate, Token));
        Assert.True(await daemon.WaitForExitAsync(identity, OsProcesses.Patience, Token));

        Assert.False(File.Exists(Path.Combine(_harness.Root, "buildkitd.lock")));
        Assert.Contains("stopping server", await File.ReadAllTextAsync(_harness.LogFile, Token), StringComparison.Ordinal);
        Assert.Equal(SignalDelivery.AlreadyGone, await daemon.SignalAsync(identity, DaemonSignal.Terminate, Token));
        // The lock is really free: a new daemon on the same root starts.
        var next = await _harness.SpawnAsync(daemon);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, next))[^1].Status);
    }

    [Fact]
    public async Task A_daemon_that_exits_while_nothing_checks_on_it_is_reaped_when_it_exits()
    {
        var daemon = _harness.Daemon(_harness.Options());
        var identity = await _harness.SpawnAsync(daemon);
        Assert.Equal(Environment.ProcessId, ProcStat.TryRead(identity.Pid)!.Value.ParentPid);

        // Killed by another process, and nothing here probes, signals or waits for it afterwards: a long-lived host (blacksmith
        // run, a test host) must not keep it as a zombie until something happens to look.
        using (var kill = Process.Start("kill", ["-KILL", identity.Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await BoundedWait.ForExitAsync(kill, "kill -KILL of the daemon", cancellationToken: Token);
            Assert.Equal(0, kill.ExitCode);
        }

        await BoundedWait.UntilAsync(
            () => ProcStat.TryRead(identity.Pid) is not { } stat || stat.StartTimeTicks != identity.StartTimeTicks,
            $"buildkitd (pid {identity.Pid}), this process's child, to be reaped",
            OsProcesses.Patience,
            Token);
    }

    [Fact]
    public async Task A_second_daemon_on_a_locked_root_exits_and_its_probe_says_why()
    {
        var daemon = _harness.Daemon(_harness.Options());
        var first = await _harness.SpawnAsync(daemon);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, first))[^1].Status);

        var second = await _harness.SpawnAsync(daemon, _harness.Launch with { Address = $"tcp://127.0.0.1:{FreePortFor(first)}" });
        var probe = (await DaemonHarness.ProbeUntilSettledAsync(daemon, second))[^1];

        Assert.Equal(DaemonProbeStatus.Exited, probe.Status);
        Assert.Contains("another instance running?", probe.Detail, StringComparison.Ordinal);
        Assert.Null(probe.CorruptDatabase);
        // The tail is this run's only: the first daemon's lines are before the marker.
        Assert.DoesNotContain("running server", probe.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_that_ignores_SIGTERM_outlasts_the_wait_and_is_killed()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var daemon = _harness.Daemon(_harness.Options("ignore-sigterm"), time: time);
        var identity = await _harness.SpawnAsync(daemon);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);

        Assert.Equal(SignalDelivery.Delivered, await daemon.SignalAsync(identity, DaemonSignal.Terminate, Token));
        await OsProcesses.WaitUntilAsync(() => File.ReadAllText(_harness.LogFile).Contains("ignoring SIGTERM", StringComparison.Ordinal), "the daemon to see SIGTERM", Token);
        var wait = daemon.WaitForExitAsync(identity, TimeSpan.FromSeconds(30), Token);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(await wait);
        Assert.Equal(DaemonProbeStatus.Ready, (await daemon.ProbeAsync(identity, Token)).Status);
        Assert.Equal(SignalDelivery.Delivered, await daemon.SignalAsync(identity, DaemonSignal.Kill, Token));
        var killed = daemon.WaitForExitAsync(identity, TimeSpan.FromSeconds(30), Token);
        Assert.True(await killed);
    }

    [Fact]
    public async Task A_bbolt_panic_is_reported_with_the_database_it_names_which_can_be_moved_aside()
    {
        var daemon = _harness.Daemon(_harness.Options("crash-bbolt"));
        var identity = await _harness.SpawnAsync(daemon);

        var probe = (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1];

        Assert.Equal(DaemonProbeStatus.Exited, probe.Status);
        var database = Path.Combine(_harness.Root, "history.db");
        Assert.Equal(database, probe.CorruptDatabase);
        Assert.Contains("go.etcd.io/bbolt", probe.Detail, StringComparison.Ordinal);
        Assert.True(probe.Detail!.Split('\n').Length <= 40);

        await File.WriteAllTextAsync(database, "corrupt", Token);
        var moved = await daemon.QuarantineDatabaseAsync(database, Token);

        Assert.False(File.Exists(database));
        Assert.Equal("corrupt", await File.ReadAllTextAsync(moved, Token));
        Assert.Equal(_harness.Root, Path.GetDirectoryName(moved));
        Assert.Matches(@"^history\.db\.corrupt-\d{8}T\d{9}Z$", Path.GetFileName(moved));
    }

    [Fact]
    public async Task A_daemon_that_never_lists_a_worker_stays_not_ready()
    {
        var daemon = _harness.Daemon(_harness.Options("never-ready"));
        var identity = await _harness.SpawnAsync(daemon);

        // Until it listens, buildctl cannot connect; then it answers with an empty table.
        await OsProcesses.WaitUntilAsync(() => File.ReadAllText(_harness.LogFile).Contains("running server", StringComparison.Ordinal), "the daemon to listen", Token);
        var probe = await daemon.ProbeAsync(identity, Token);

        Assert.Equal(DaemonProbeStatus.NotReady, probe.Status);
        Assert.Equal("no worker yet", probe.Detail);
    }

    [Theory]
    [InlineData("slow-start:700")]
    [InlineData("workers-late:700")]
    public async Task A_slow_daemon_is_not_ready_until_it_lists_a_worker(string fault)
    {
        var daemon = _harness.Daemon(_harness.Options(fault));
        var identity = await _harness.SpawnAsync(daemon);

        var probes = await DaemonHarness.ProbeUntilSettledAsync(daemon, identity);

        Assert.Equal(DaemonProbeStatus.Ready, probes[^1].Status);
        Assert.All(probes.SkipLast(1), p => Assert.Equal(DaemonProbeStatus.NotReady, p.Status));
        Assert.All(probes.SkipLast(1), p => Assert.True(
            p.Detail!.Contains("connection refused", StringComparison.Ordinal) || p.Detail == "no worker yet", p.Detail));
    }

    [Fact]
    public async Task One_probe_waits_for_the_address_to_accept_and_then_confirms_the_daemon_ready()
    {
        var options = _harness.Options("slow-start:700");
        // Generous, so that a loaded machine cannot make this a race: the point is that one probe sees it through.
        options.AcceptWait = OsProcesses.Patience;
        var daemon = _harness.Daemon(options);
        var identity = await _harness.SpawnAsync(daemon);

        var probe = await daemon.ProbeAsync(identity, Token);

        Assert.Equal(DaemonProbeStatus.Ready, probe.Status);
    }

    [Fact]
    public async Task A_probe_whose_address_never_accepts_within_its_wait_is_not_ready_and_says_so_without_buildctl()
    {
        var options = _harness.Options("slow-start:600000");
        options.AcceptWait = TimeSpan.FromMilliseconds(100);
        var daemon = _harness.Daemon(options);
        var identity = await _harness.SpawnAsync(daemon);

        var probe = await daemon.ProbeAsync(identity, Token);

        Assert.Equal(DaemonProbeStatus.NotReady, probe.Status);
        Assert.Equal($"nothing accepted connections at {identity.Address} within 0.1 s", probe.Detail);
        Assert.DoesNotContain(_harness.RunnerLog.Messages, m => m.Contains("buildctl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signal_for_a_pid_with_another_start_time_reaches_nobody()
    {
        var daemon = _harness.Daemon(_harness.Options());
        var identity = await _harness.SpawnAsync(daemon);
        var impostor = identity with { StartTimeTicks = identity.StartTimeTicks + 1 };

        Assert.Equal(SignalDelivery.AlreadyGone, await daemon.SignalAsync(impostor, DaemonSignal.Kill, Token));
        Assert.Equal(SignalDelivery.AlreadyGone, await daemon.SignalAsync(impostor, DaemonSignal.Terminate, Token));
        Assert.True(await daemon.WaitForExitAsync(impostor, TimeSpan.FromSeconds(30), Token));
        Assert.Equal(DaemonProbeStatus.Exited, (await daemon.ProbeAsync(impostor, Token)).Status);

        Assert.True(ProcessLifetime.IsRunning(new SpawnedProcess(identity.Pid, identity.StartTimeTicks)));
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);
    }

    [Fact]
    public async Task Prune_keeps_the_given_storage_and_returns_the_total_buildctl_printed()
    {
        var daemon = _harness.Daemon(_harness.Options());
        var identity = await _harness.SpawnAsync(daemon);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(daemon, identity))[^1].Status);

        // The double holds 734.0 MB, 1288.5 MB, 52.4 MB and 2147.5 MB, oldest first: keeping 3 GB frees the first two.
        var freed = await daemon.PruneAsync(identity, 3_000_000_000, Token);

        Assert.Equal(2_020_000_000, freed);
        Assert.Equal(0, await daemon.PruneAsync(identity, 3_000_000_000, Token));
    }

    [Fact]
    public async Task Prune_against_a_stopped_daemon_is_unavailable()
    {
        var daemon = _harness.Daemon(_harness.Options());
        var identity = await _harness.SpawnAsync(daemon);
        await daemon.SignalAsync(identity, DaemonSignal.Kill, Token);
        Assert.True(await daemon.WaitForExitAsync(identity, OsProcesses.Patience, Token));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => daemon.PruneAsync(identity, 0, Token));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_file_is_private_and_the_daemon_is_started_with_it()
    {
        var daemon = _harness.Daemon(_harness.Options());

        var identity = await _harness.SpawnAsync(daemon);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_harness.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_harness.LogFile));
        var config = TomlDocument.Parse(await File.ReadAllTextAsync(_harness.ConfigFile, Token));
        Assert.Equal(_harness.Root, config.Get("root"));
        Assert.Equal([_harness.Address], config.Strings("grpc", "address"));
        // The kernel fills in a new program's command line a moment after posix_spawn has returned.
        await OsProcesses.WaitUntilAsync(() => ProcessTree.CommandLine(identity.Pid).Count > 0, "the daemon's command line", Token);
        Assert.Equal(
            ["--config", _harness.ConfigFile, "--allow-insecure-entitlement", "security.insecure", "--allow-insecure-entitlement", "network.host"],
            ProcessTree.CommandLine(identity.Pid).Skip(1));
    }

    [Fact]
    public async Task A_missing_buildkitd_is_reported_as_missing()
    {
        var daemon = _harness.Daemon(_harness.Options(searchPath: "/usr/bin:/bin"));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => daemon.SpawnAsync(_harness.Launch, Token));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Contains("buildkitd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_buildctl_fails_the_probe_as_missing()
    {
        var options = _harness.Options();
        options.BuildctlPath = "buildctl-not-installed";
        var daemon = _harness.Daemon(options);
        var identity = await _harness.SpawnAsync(daemon);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => daemon.ProbeAsync(identity, Token));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
    }

    [Fact]
    public async Task The_identity_names_the_daemons_log_and_root()
    {
        var identity = await _harness.SpawnAsync(_harness.Daemon(_harness.Options()));

        Assert.Equal(_harness.LogFile, identity.LogPath);
        Assert.Equal(_harness.Root, identity.Root);
    }

    [Fact]
    public async Task Another_process_probing_an_exited_daemon_reads_its_log_through_the_journaled_identity()
    {
        var spawner = _harness.Daemon(_harness.Options("crash-bbolt"));
        var identity = await _harness.SpawnAsync(spawner);
        Assert.True(await spawner.WaitForExitAsync(identity, OsProcesses.Patience, Token));

        // A fresh adapter, as in post, knows the daemon only from the identity the journal kept.
        var probe = await _harness.Daemon(_harness.Options()).ProbeAsync(identity, Token);

        Assert.Equal(DaemonProbeStatus.Exited, probe.Status);
        Assert.Contains("go.etcd.io/bbolt", probe.Detail, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_harness.Root, "history.db"), probe.CorruptDatabase);
    }

    [Fact]
    public async Task An_identity_from_an_older_journal_without_a_log_still_probes_as_exited()
    {
        var spawner = _harness.Daemon(_harness.Options("crash-bbolt"));
        var identity = await _harness.SpawnAsync(spawner);
        Assert.True(await spawner.WaitForExitAsync(identity, OsProcesses.Patience, Token));

        var probe = await _harness.Daemon(_harness.Options()).ProbeAsync(identity with { LogPath = null, Root = null }, Token);

        Assert.Equal(DaemonProbeStatus.Exited, probe.Status);
        Assert.Null(probe.CorruptDatabase);
    }

    private static int FreePortFor(DaemonIdentity busy)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        Assert.NotEqual(busy.Address, $"tcp://127.0.0.1:{port}");
        return port;
    }
}
