using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>Finding a buildkitd this job did not start, by its root lock or its address, against the doubles.</summary>
[SupportedOSPlatform("linux")]
public sealed class ForeignDaemonTests : IAsyncDisposable
{
    private readonly DaemonHarness _harness = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_daemon_holding_the_root_lock_is_found_with_its_pid()
    {
        var foreign = await StartForeignDaemonAsync();
        var otherAddress = $"tcp://127.0.0.1:{FreePort()}";

        var found = await _harness.Daemon(_harness.Options()).FindForeignAsync(_harness.Root, otherAddress, Token);

        Assert.NotNull(found);
        Assert.Equal(foreign.Pid, found.HolderPid);
        Assert.Equal("buildkitd", found.HolderName);
        Assert.Contains(Path.Combine(_harness.Root, "buildkitd.lock"), found.Describe(), StringComparison.Ordinal);
        Assert.Contains($"pid {foreign.Pid} (buildkitd)", found.Describe(), StringComparison.Ordinal);
        Assert.Null(found.Address);
    }

    [Fact]
    public async Task A_daemon_holding_the_root_and_answering_at_the_address_can_be_reached_there()
    {
        var foreign = await StartForeignDaemonAsync();

        var found = await _harness.Daemon(_harness.Options()).FindForeignAsync(_harness.Root, foreign.Address, Token);

        Assert.NotNull(found);
        Assert.Equal(foreign.Pid, found.HolderPid);
        Assert.Equal(foreign.Address, found.Address);
    }

    [Fact]
    public async Task The_root_check_leaves_the_daemon_untouched()
    {
        var foreign = await StartForeignDaemonAsync();
        var adapter = _harness.Daemon(_harness.Options());

        _ = await adapter.FindForeignAsync(_harness.Root, _harness.Address, Token);
        _ = await adapter.FindForeignAsync(_harness.Root, _harness.Address, Token);

        // Still running, still ready, still holding its lock.
        Assert.Equal(DaemonProbeStatus.Ready, (await adapter.ProbeAsync(foreign, Token)).Status);
        Assert.Equal(foreign.Pid, RootLocks.FindHolder(Path.Combine(_harness.Root, "buildkitd.lock")));
    }

    [Fact]
    public async Task A_listener_on_the_address_is_found_without_a_pid()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var address = $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var found = await _harness.Daemon(_harness.Options()).FindForeignAsync(_harness.Root, address, Token);

        Assert.NotNull(found);
        Assert.Null(found.HolderPid);
        Assert.Equal(address, found.Address);
        Assert.Contains(address, found.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_free_root_and_address_hold_nothing_foreign()
    {
        var adapter = _harness.Daemon(_harness.Options());

        Assert.Null(await adapter.FindForeignAsync(_harness.Root, _harness.Address, Token));
        Directory.CreateDirectory(_harness.Root);
        Assert.Null(await adapter.FindForeignAsync(_harness.Root, _harness.Address, Token));
    }

    [Fact]
    public async Task A_lock_file_left_by_a_dead_daemon_is_not_a_foreign_daemon()
    {
        // A crashed daemon leaves the file; the kernel dropped the flock with the process.
        Directory.CreateDirectory(_harness.Root);
        await File.WriteAllTextAsync(Path.Combine(_harness.Root, "buildkitd.lock"), string.Empty, Token);

        Assert.Null(await _harness.Daemon(_harness.Options()).FindForeignAsync(_harness.Root, _harness.Address, Token));
    }

    [Fact]
    public async Task A_foreign_daemon_that_stopped_is_no_longer_found()
    {
        var foreign = await StartForeignDaemonAsync();
        var adapter = _harness.Daemon(_harness.Options());
        Assert.NotNull(await adapter.FindForeignAsync(_harness.Root, _harness.Address, Token));

        await adapter.SignalAsync(foreign, DaemonSignal.Terminate, Token);
        Assert.True(await adapter.WaitForExitAsync(foreign, OsProcesses.Patience, Token));

        Assert.Null(await adapter.FindForeignAsync(_harness.Root, _harness.Address, Token));
    }

    [Fact]
    public void The_lock_table_names_the_holder_of_that_file_only()
    {
        const string table = """
            1: POSIX  ADVISORY  WRITE 812 fe:00:11657697 0 EOF
            2: FLOCK  ADVISORY  WRITE 4711 fe:01:11657697 0 EOF
            2: -> FLOCK  ADVISORY  WRITE 999 fe:01:11657697 0 EOF
            3: OFDLCK ADVISORY  WRITE -1 08:02:42 0 EOF
            """;

        Assert.Equal(4711, RootLocks.FindHolder(table, 0xfe, 0x01, 11657697));
        Assert.Equal(812, RootLocks.FindHolder(table, 0xfe, 0x00, 11657697));
        Assert.Equal(0, RootLocks.FindHolder(table, 8, 2, 42));
        Assert.Null(RootLocks.FindHolder(table, 0xfe, 0x01, 11657698));
    }

    private async Task<Orchestration.Lifecycle.DaemonIdentity> StartForeignDaemonAsync()
    {
        // Another job's daemon: started by an adapter this job never uses again.
        var other = _harness.Daemon(_harness.Options());
        var identity = await _harness.SpawnAsync(other);
        Assert.Equal(DaemonProbeStatus.Ready, (await DaemonHarness.ProbeUntilSettledAsync(other, identity))[^1].Status);
        return identity;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
