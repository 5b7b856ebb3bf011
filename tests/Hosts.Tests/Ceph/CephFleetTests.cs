using System.Text.Json;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.Ceph;
using Bogus;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// Two runner hosts of one fleet, each with its own blacksmith-agent (own data directory, own port) on one Ceph
/// cluster, driven by the engine's own client: a job on any host starts from the key's last committed generation.
/// </summary>
[Collection(CephClusterGroup.Name)]
public sealed class CephFleetTests(CephClusterFixture fixture)
{
    private static readonly Faker Faker = new();

    private CephTestCluster Cluster => fixture.Cluster;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [RequiresCephFact]
    public async Task A_job_committed_through_one_hosts_agent_is_where_the_next_job_through_another_hosts_agent_starts()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var hostA = new CephHost(Cluster, ns, "host-a");
        await using var hostB = new CephHost(Cluster, ns, "host-b");
        await hostA.StartAsync();
        await hostB.StartAsync();
        Assert.Contains("store: ceph", hostA.Agent.Errors, StringComparison.Ordinal);
        const string key = "acme/widgets:main+cache@v1";
        var marker = Faker.Random.AlphaNumeric(40);

        using var clientA = hostA.Client();
        var first = await clientA.ExposeAsync(key, Cancellation);
        await hostA.WriteAsync(first.Device, "marker", marker);
        await clientA.SettleAsync(new DiskSettlement(first.ExposeId, key, Commit: true, FsUsageBytes: 4096), Cancellation);

        using var clientB = hostB.Client();
        var second = await clientB.ExposeAsync(key, Cancellation);
        Assert.Equal(marker, await hostB.ReadAsync(second.Device, "marker"));
        await clientB.SettleAsync(new DiskSettlement(second.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);

        var state = await KeyStateAsync(ns, key);
        var generation = Assert.Single(state.GetProperty("generations").EnumerateArray());
        Assert.Equal(first.ExposeId, generation.GetProperty("exposeId").GetString());
        Assert.Empty(await ExposuresAsync(ns));
        Assert.DoesNotContain(await ImagesAsync(ns), image => image.EndsWith("~" + second.ExposeId, StringComparison.Ordinal));
    }

    private async Task<JsonElement> KeyStateAsync(string ns, string key)
    {
        var encoded = key.Replace("/", "%2F", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal)
            .Replace("+", "%2B", StringComparison.Ordinal).Replace("@", "%40", StringComparison.Ordinal);
        var json = await Cluster.CephAsync("rados", ["-p", CephTestCluster.Pool, "-N", ns, "getomapval", "blacksmith.key." + encoded, "state", "-"], Cancellation);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private async Task<IReadOnlyList<string>> ExposuresAsync(string ns)
    {
        var listing = await Cluster.CephAsync("rados", ["-p", CephTestCluster.Pool, "-N", ns, "listomapkeys", "blacksmith.exposures"], Cancellation);
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task<IReadOnlyList<string>> ImagesAsync(string ns)
    {
        var json = await Cluster.CephAsync("rbd", ["ls", "--format", "json", $"{CephTestCluster.Pool}/{ns}"], Cancellation);
        return JsonSerializer.Deserialize<string[]>(json) ?? [];
    }
}
