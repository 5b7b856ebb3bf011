using System.Diagnostics;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.Ceph;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>A cluster that does not answer, and a client that crashed holding its clone.</summary>
[Collection(CephClusterGroup.Name)]
public sealed class CephFailureTests(CephClusterFixture fixture)
{
    /// <summary>Setup's whole budget for an expose (ExposeStickyDiskHandler.Deadline).</summary>
    private static readonly TimeSpan ExposeDeadline = TimeSpan.FromSeconds(45);

    private CephTestCluster Cluster => fixture.Cluster;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [RequiresCephFact]
    public async Task An_expose_on_a_cluster_that_does_not_answer_fails_as_unavailable_before_setups_expose_deadline()
    {
        var down = Cluster.WriteUnreachableConfig();
        var data = Directory.CreateDirectory(Path.Combine(Cluster.Directory, "hosts", "down", Guid.NewGuid().ToString("N"))).FullName;

        // The production defaults: nothing but the config differs from a fleet host's agent.
        using var store = new CephStickyDiskStore(
            new CephStoreOptions(down, CephTestCluster.Pool, data) { Keyring = Cluster.Keyring, Attach = CephAttachMode.RbdFuse },
            new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System),
            TimeProvider.System,
            NullLogger<CephStickyDiskStore>.Instance);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(ExposeDeadline);

        var failure = await Assert.ThrowsAsync<ExternalCallException>(() => store.ExposeAsync("acme/widgets", deadline.Token));

        Assert.Equal(ExternalErrorKind.Unavailable, failure.Kind);
        Assert.Contains("cannot reach the Ceph cluster", failure.Message, StringComparison.Ordinal);
    }

    [RequiresCephFact]
    public async Task An_agent_started_on_a_cluster_that_does_not_answer_exits_1_with_one_line()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(configFile: Cluster.WriteUnreachableConfig()));

        var line = Assert.Single(refused.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        Assert.StartsWith("blacksmith-agent: cannot open the store: stickydisk.up: cannot reach the Ceph cluster", line, StringComparison.Ordinal);
    }

    [RequiresCephFact]
    public async Task A_client_that_crashed_holding_its_clone_blocks_neither_the_key_nor_its_own_release()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var hostA = new CephHost(Cluster, ns, "host-a");
        await using var hostB = new CephHost(Cluster, ns, "host-b");
        await hostA.StartAsync();
        await hostB.StartAsync();
        const string key = "acme/widgets";
        using var clientA = hostA.Client();
        using var clientB = hostB.Client();
        var crashed = await clientA.ExposeAsync(key, Cancellation);
        await hostA.WriteAsync(crashed.Device, "marker", "before the crash");
        await KillRbdFuseAsync(hostA.DataDirectory);

        var other = await clientB.ExposeAsync(key, Cancellation);
        await hostB.WriteAsync(other.Device, "marker", "from host b");
        await clientB.SettleAsync(new DiskSettlement(other.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
        await clientA.SettleAsync(new DiskSettlement(crashed.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);

        var images = await Cluster.CephAsync("rbd", ["ls", $"{CephTestCluster.Pool}/{ns}"], Cancellation);
        Assert.DoesNotContain(crashed.ExposeId, images, StringComparison.Ordinal);
        var next = await clientA.ExposeAsync(key, Cancellation);
        Assert.Equal("from host b", await hostA.ReadAsync(next.Device, "marker"));
        await clientA.SettleAsync(new DiskSettlement(next.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
    }

    // A process listed a moment ago may have exited since (another test's tool): it has no command line to match then.
    private static async Task<string> CommandLineOfAsync(string procEntry)
    {
        try
        {
            return await File.ReadAllTextAsync(Path.Combine(procEntry, "cmdline"), Cancellation);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            return string.Empty;
        }
    }

    // The client's crash: its rbd-fuse killed with SIGKILL, its watch on the image left to time out in the cluster.
    private static async Task KillRbdFuseAsync(string dataDirectory)
    {
        var killed = 0;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid)
                && (await CommandLineOfAsync(entry)).Split('\0') is [var program, .. var arguments]
                && Path.GetFileName(program) == "rbd-fuse"
                && arguments.Any(a => a.StartsWith(dataDirectory, StringComparison.Ordinal)))
            {
                using (var process = Process.GetProcessById(pid))
                {
                    process.Kill();
                }

                // Not our child: gone, or a zombie its parent (the agent) has yet to reap, is dead enough.
                while (File.Exists($"/proc/{pid}/stat") && (await File.ReadAllTextAsync($"/proc/{pid}/stat", Cancellation)).Split(") ")[^1][0] is not ('Z' or 'X'))
                {
                    await Task.Delay(10, Cancellation);
                }

                killed++;
            }
        }

        Assert.Equal(1, killed);
    }
}
