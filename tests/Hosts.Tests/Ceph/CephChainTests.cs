using System.Text.Json;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing;
using Blacksmith.Testing.Ceph;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>Bounded clone chains and garbage collection on the cluster, and the administration verbs over them.</summary>
[Collection(CephClusterGroup.Name)]
public sealed class CephChainTests(CephClusterFixture fixture)
{
    private static readonly Faker Faker = new() { Random = new Randomizer(111) };

    private CephTestCluster Cluster => fixture.Cluster;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [RequiresCephFact]
    public async Task Heads_are_flattened_past_the_depth_and_old_generations_collected_except_those_an_open_exposures_chain_reads()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");
        using var store = Store(host, ns, flattenDepth: 2, generationsKept: 1);
        const string key = "acme/widgets:main";
        var first = await store.ExposeAsync(key, Cancellation);
        await host.WriteAsync(first.Device, "first", "written by the first job");
        await store.SettleAsync(new DiskSettlement(first.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
        ExposedDisk? open = null;
        string? openChainImage = null;

        for (var job = 2; job <= 6; job++)
        {
            var disk = await store.ExposeAsync(key, Cancellation);
            await host.WriteAsync(disk.Device, "last", $"job {job}");
            await store.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
            await store.WaitForMaintenanceAsync();
            Assert.True(await DepthAsync(ns, await HeadImageAsync(ns, key)) <= 3, $"after job {job} the head's chain is deeper than the flatten depth allows");
            if (job == 3)
            {
                // Left open across the commits that follow: its parents must outlive every flatten and collection.
                open = await store.ExposeAsync(key, Cancellation);
                openChainImage = await HeadImageAsync(ns, key);
            }
        }

        Assert.Contains(openChainImage!, await ImagesAsync(ns));
        Assert.Equal("job 3", await host.ReadAsync(open!.Device, "last"));
        Assert.Equal("written by the first job", await host.ReadAsync(open.Device, "first"));
        await store.SettleAsync(new DiskSettlement(open.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
        await store.CollectGarbageAsync(keep: null, sizeCapBytes: null, abandonedAfter: null, Cancellation);

        var head = await HeadImageAsync(ns, key);
        var reads = await ChainAsync(ns, head);
        Assert.True(reads.Count <= 3, string.Join(", ", reads));
        Assert.Equal(reads.Order(StringComparer.Ordinal), (await ImagesAsync(ns)).Order(StringComparer.Ordinal));
        var last = await store.ExposeAsync(key, Cancellation);
        Assert.Equal("job 6", await host.ReadAsync(last.Device, "last"));
        Assert.Equal("written by the first job", await host.ReadAsync(last.Device, "first"));
        await store.SettleAsync(new DiskSettlement(last.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
    }

    [RequiresCephFact]
    public async Task Store_rm_deletes_a_keys_generations_and_images_and_ls_shows_keys_and_open_exposures()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");
        using var store = Store(host, ns, flattenDepth: 4, generationsKept: 2);
        var kept = "acme/" + Faker.Random.AlphaNumeric(6);
        const string removed = "acme/removed";
        foreach (var key in new[] { kept, removed })
        {
            var disk = await store.ExposeAsync(key, Cancellation);
            await host.WriteAsync(disk.Device, "marker", key);
            await store.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
        }

        var open = await store.ExposeAsync(kept, Cancellation);
        var listing = await store.DescribeAsync(Cancellation);
        Assert.Contains(kept + "  last used", listing, StringComparison.Ordinal);
        Assert.Contains($"  {open.ExposeId}  {kept}  Exposed  {open.Device}", listing, StringComparison.Ordinal);

        Assert.True(await store.RemoveKeyAsync(removed, Cancellation));
        Assert.False(await store.RemoveKeyAsync(removed, Cancellation));

        Assert.DoesNotContain(await ImagesAsync(ns), i => i.StartsWith("acme%2Fremoved~", StringComparison.Ordinal));
        Assert.DoesNotContain(removed, await store.DescribeAsync(Cancellation), StringComparison.Ordinal);
        var fresh = await store.ExposeAsync(removed, Cancellation);
        Assert.Null(await host.ReadAsync(fresh.Device, "marker"));
        await store.SettleAsync(new DiskSettlement(fresh.ExposeId, removed, Commit: false, FsUsageBytes: null), Cancellation);
        await store.SettleAsync(new DiskSettlement(open.ExposeId, kept, Commit: false, FsUsageBytes: null), Cancellation);
    }

    [RequiresCephFact]
    public async Task Blacksmith_agent_store_verbs_work_against_the_cluster_beside_the_hosts_running_agent()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var host = new CephHost(Cluster, ns, "host-a");
        await host.StartAsync();
        const string key = "acme/widgets@v2";
        using var client = host.Client();
        var disk = await client.ExposeAsync(key, Cancellation);
        await host.WriteAsync(disk.Device, "marker", "x");
        await client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation);
        string[] cluster =
        [
            "--backend", "ceph", "--ceph-conf", Cluster.ConfigFile, "--ceph-keyring", Cluster.Keyring, "--ceph-pool", CephTestCluster.Pool,
            "--ceph-namespace", ns, "--data-dir", host.DataDirectory,
        ];

        var listed = await CephHost.TryRunAsync(AgentBinary.Path, ["store", "ls", .. cluster]);
        var collected = await CephHost.TryRunAsync(AgentBinary.Path, ["store", "gc", "--keep", "1", .. cluster]);
        var removed = await CephHost.TryRunAsync(AgentBinary.Path, ["store", "rm", key, .. cluster]);
        var again = await CephHost.TryRunAsync(AgentBinary.Path, ["store", "rm", key, .. cluster]);
        var local = await CephHost.TryRunAsync(AgentBinary.Path, ["store", "ls", "--data-dir", host.DataDirectory]);

        Assert.True(listed.Code == 0, listed.Errors);
        Assert.Contains(key + "  last used", listed.Output, StringComparison.Ordinal);
        Assert.Contains("generation 1  acme%2Fwidgets%40v2~" + disk.ExposeId + "@gen", listed.Output, StringComparison.Ordinal);
        Assert.True(collected.Code == 0, collected.Errors);
        Assert.Equal((0, $"Removed key '{key}'.\n"), (removed.Code, removed.Output));
        Assert.Equal(1, again.Code);
        Assert.Equal(2, local.Code);
        Assert.StartsWith("blacksmith-agent: blacksmith-agent store administers the Ceph store", local.Errors, StringComparison.Ordinal);
        Assert.False(host.Agent.HasExited);
    }

    private CephStickyDiskStore Store(CephHost host, string ns, int flattenDepth, int generationsKept) => new(
        new CephStoreOptions(Cluster.ConfigFile, CephTestCluster.Pool, host.DataDirectory)
        {
            Keyring = Cluster.Keyring,
            Namespace = ns,
            Attach = CephAttachMode.RbdFuse,
            DiskSizeBytes = 256L * 1024 * 1024,
            FlattenDepth = flattenDepth,
            GenerationsKept = generationsKept,
            WatchTimeout = TimeSpan.FromSeconds(CephTestCluster.WatchTimeoutSeconds * 3),
        },
        new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System),
        TimeProvider.System,
        NullLogger<CephStickyDiskStore>.Instance);

    private async Task<string> HeadImageAsync(string ns, string key)
    {
        var encoded = key.Replace("/", "%2F", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);
        var json = await Cluster.CephAsync("rados", ["-p", CephTestCluster.Pool, "-N", ns, "getomapval", "blacksmith.key." + encoded, "state", "-"], Cancellation);
        return JsonDocument.Parse(json).RootElement.GetProperty("generations").EnumerateArray().Last().GetProperty("image").GetString()!;
    }

    // How many images a clone of the head reads through: the head and its parents, as the cluster has them.
    private async Task<int> DepthAsync(string ns, string image) => (await ChainAsync(ns, image)).Count;

    private async Task<List<string>> ChainAsync(string ns, string image)
    {
        var chain = new List<string>();
        for (string? current = image; current is not null;)
        {
            chain.Add(current);
            var info = JsonDocument.Parse(await Cluster.CephAsync("rbd", ["info", "--format", "json", $"{CephTestCluster.Pool}/{ns}/{current}"], Cancellation)).RootElement;
            current = info.TryGetProperty("parent", out var parent) ? parent.GetProperty("image").GetString() : null;
        }

        return chain;
    }

    private async Task<IReadOnlyList<string>> ImagesAsync(string ns) =>
        JsonSerializer.Deserialize<string[]>(await Cluster.CephAsync("rbd", ["ls", "--format", "json", $"{CephTestCluster.Pool}/{ns}"], Cancellation)) ?? [];
}
