using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leases;
using Blacksmith.Testing.Ceph;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// The agent's lease check over the Ceph store: the lease is recorded in the cluster with the exposure, and an exposure
/// past it that nothing on its host uses is released, never committed. The lease check's clock is a virtual one moved past
/// the lease; the cluster, the clones, rbd-fuse, the loop devices and the mounts are real.
/// </summary>
[Collection(CephClusterGroup.Name)]
public sealed class CephLeaseTests(CephClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromHours(6);

    private CephTestCluster Cluster => fixture.Cluster;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [RequiresCephFact]
    public async Task An_exposure_past_its_lease_that_nothing_uses_is_released_unpublished_and_a_mounted_one_is_kept()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");
        // The store keeps the real time (its waits for rbd-fuse run on it); the lease check's clock is moved past the lease.
        using var store = Store(host, ns, TimeProvider.System);
        const string key = "acme/widgets:main";
        var committed = await store.ExposeAsync(key, Cancellation);
        await host.WriteAsync(committed.Device, "marker", "generation 1");
        await store.SettleAsync(new DiskSettlement(committed.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
        var abandoned = await store.ExposeAsync(key, Cancellation);
        await host.WriteAsync(abandoned.Device, "marker", "never committed");
        var mounted = await store.ExposeAsync(key, Cancellation);
        var mountPoint = Directory.CreateDirectory(Path.Combine(host.DataDirectory, "mnt-" + mounted.ExposeId)).FullName;
        await CephHost.RunAsync("mount", mounted.Device, mountPoint);
        try
        {
            var clock = new VirtualTime(DateTimeOffset.UtcNow);
            var sweep = new LeaseSweep(store, new HostDeviceUsage(), clock, NullLogger<LeaseSweep>.Instance);
            var leases = await store.ListLeasesAsync(Cancellation);
            var listing = await store.DescribeAsync(Cancellation);

            var early = await sweep.SweepAsync(Cancellation);
            clock.Advance(Lease + TimeSpan.FromMinutes(1));
            var late = await sweep.SweepAsync(Cancellation);

            Assert.All(leases, l => Assert.Equal(l.GrantedAt + Lease, l.ExpiresAt));
            Assert.Equal([abandoned.ExposeId, mounted.ExposeId], leases.Select(l => l.ExposeId));
            Assert.Contains($"lease until {leases[0].ExpiresAt:u}", listing, StringComparison.Ordinal);
            Assert.DoesNotContain(early, r => r.Released);
            Assert.Equal(abandoned.ExposeId, Assert.Single(late, r => r.Released).Lease.ExposeId);
            Assert.Equal(LeaseStanding.ExpiredInUse, Assert.Single(late, r => !r.Released).Verdict.Standing);
            Assert.Equal([mounted.ExposeId], (await store.ListLeasesAsync(Cancellation)).Select(l => l.ExposeId));
            var images = await Cluster.CephAsync("rbd", ["ls", $"{CephTestCluster.Pool}/{ns}"], Cancellation);
            Assert.DoesNotContain(abandoned.ExposeId, images, StringComparison.Ordinal);
            var commitAfter = await Assert.ThrowsAsync<ExternalCallException>(
                () => store.SettleAsync(new DiskSettlement(abandoned.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation));
            Assert.Contains("nothing was committed", commitAfter.Message, StringComparison.Ordinal);
        }
        finally
        {
            await CephHost.TryRunAsync("umount", mountPoint);
        }

        await store.SettleAsync(new DiskSettlement(mounted.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
        var next = await store.ExposeAsync(key, Cancellation);
        Assert.Equal("generation 1", await host.ReadAsync(next.Device, "marker"));
        await store.SettleAsync(new DiskSettlement(next.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
    }

    [RequiresCephFact]
    public async Task A_store_on_a_virtual_clock_stamps_its_leases_with_it_and_still_attaches_commits_and_releases()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");
        // Nothing moves this clock but the test; rbd-fuse starting, the key's lock and the image's removal are waited
        // for on the machine's clock, so they still end.
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var clock = new VirtualTime(start);
        using var store = Store(host, ns, clock);
        const string key = "acme/widgets:main";
        var committed = await store.ExposeAsync(key, Cancellation);
        await host.WriteAsync(committed.Device, "marker", "generation 1");
        await store.SettleAsync(new DiskSettlement(committed.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
        var abandoned = await store.ExposeAsync(key, Cancellation);
        var leases = await store.ListLeasesAsync(Cancellation);

        clock.Advance(Lease + TimeSpan.FromMinutes(1));
        var late = await new LeaseSweep(store, new HostDeviceUsage(), clock, NullLogger<LeaseSweep>.Instance).SweepAsync(Cancellation);

        Assert.Equal((start, start + Lease), (Assert.Single(leases).GrantedAt, Assert.Single(leases).ExpiresAt));
        Assert.Equal(abandoned.ExposeId, Assert.Single(late, r => r.Released).Lease.ExposeId);
        Assert.Empty(await store.ListLeasesAsync(Cancellation));
        var next = await store.ExposeAsync(key, Cancellation);
        Assert.Equal("generation 1", await host.ReadAsync(next.Device, "marker"));
        await store.SettleAsync(new DiskSettlement(next.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
    }

    [RequiresCephFact]
    public async Task The_inventory_counts_the_keys_generations_and_bytes_and_the_open_exposures_with_their_leases()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");
        using var store = Store(host, ns, TimeProvider.System);
        string[] keys = ["acme/widgets", "acme/gadgets:main", "acme/widgets"];
        long[] measured = [3_000_000, 5_000_000, 7_000_000];
        for (var i = 0; i < keys.Length; i++)
        {
            var disk = await store.ExposeAsync(keys[i], Cancellation);
            await host.WriteAsync(disk.Device, "marker", keys[i]);
            await store.SettleAsync(new DiskSettlement(disk.ExposeId, keys[i], Commit: true, FsUsageBytes: measured[i]), Cancellation);
        }

        var open = await store.ExposeAsync(keys[1], Cancellation);

        var inventory = await store.TakeInventoryAsync(Cancellation);

        Assert.Equal((2, 3), (inventory.Keys, inventory.Generations));
        Assert.Equal(measured.Sum(), inventory.Bytes);
        var exposure = Assert.Single(inventory.Exposures);
        Assert.Equal(open.ExposeId, exposure.ExposeId);
        Assert.Equal(exposure.GrantedAt + Lease, exposure.ExpiresAt);
        await store.SettleAsync(new DiskSettlement(open.ExposeId, keys[1], Commit: false, FsUsageBytes: null), Cancellation);
    }

    private CephStickyDiskStore Store(CephHost host, string ns, TimeProvider clock) => new(
        new CephStoreOptions(Cluster.ConfigFile, CephTestCluster.Pool, host.DataDirectory)
        {
            Keyring = Cluster.Keyring,
            Namespace = ns,
            Attach = CephAttachMode.RbdFuse,
            DiskSizeBytes = 256L * 1024 * 1024,
            ExposureLease = Lease,
            WatchTimeout = TimeSpan.FromSeconds(CephTestCluster.WatchTimeoutSeconds * 3),
        },
        new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System),
        clock,
        NullLogger<CephStickyDiskStore>.Instance);
}
