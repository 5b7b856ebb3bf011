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
    private static readonly Faker Faker = new() { Random = new Randomizer(110) };

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

    [RequiresCephFact]
    public async Task Two_hosts_committing_one_key_at_once_both_become_generations_and_the_later_number_is_the_head_everyone_starts_from()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var hostA = new CephHost(Cluster, ns, "host-a");
        await using var hostB = new CephHost(Cluster, ns, "host-b");
        await hostA.StartAsync();
        await hostB.StartAsync();
        const string key = "acme/widgets";
        using var clientA = hostA.Client();
        using var clientB = hostB.Client();
        var markers = new Dictionary<string, string>();

        for (var round = 0; round < 2; round++)
        {
            var onA = await clientA.ExposeAsync(key, Cancellation);
            var onB = await clientB.ExposeAsync(key, Cancellation);
            markers[onA.ExposeId] = Faker.Random.AlphaNumeric(24);
            markers[onB.ExposeId] = Faker.Random.AlphaNumeric(24);
            await Task.WhenAll(hostA.WriteAsync(onA.Device, "marker", markers[onA.ExposeId]), hostB.WriteAsync(onB.Device, "marker", markers[onB.ExposeId]));

            await Task.WhenAll(
                clientA.SettleAsync(new DiskSettlement(onA.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation),
                clientB.SettleAsync(new DiskSettlement(onB.ExposeId, key, Commit: true, FsUsageBytes: null), Cancellation));

            var generations = (await KeyStateAsync(ns, key)).GetProperty("generations").EnumerateArray()
                .Select(g => (Number: g.GetProperty("number").GetInt64(), ExposeId: g.GetProperty("exposeId").GetString()!)).ToList();
            Assert.Equal(new[] { onA.ExposeId, onB.ExposeId }.Order(StringComparer.Ordinal), generations.Select(g => g.ExposeId).Order(StringComparer.Ordinal), StringComparer.Ordinal);
            Assert.Equal([(round * 2) + 1L, (round * 2) + 2L], generations.Select(g => g.Number));
            var head = generations[^1];

            var next = await clientA.ExposeAsync(key, Cancellation);
            Assert.Equal(markers[head.ExposeId], await hostA.ReadAsync(next.Device, "marker"));
            await clientA.SettleAsync(new DiskSettlement(next.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
        }

        Assert.Empty(await ExposuresAsync(ns));
    }

    [RequiresCephTheory]
    [InlineData("ceph:CommitRecorded")]
    [InlineData("ceph:CommitDetached")]
    [InlineData("ceph:CommitSnapshotted")]
    [InlineData("ceph:CommitPublished")]
    public async Task An_agent_killed_mid_commit_finishes_the_commit_when_it_restarts_and_a_repeated_commit_succeeds_once(string killPoint)
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var hostA = new CephHost(Cluster, ns, "host-a");
        await using var hostB = new CephHost(Cluster, ns, "host-b");
        await hostA.StartAsync(new Dictionary<string, string> { ["BLACKSMITH_TEST_KILL_AT"] = killPoint });
        await hostB.StartAsync();
        const string key = "acme/widgets@main";
        var marker = Faker.Random.AlphaNumeric(32);
        var exposed = await hostA.Client().ExposeAsync(key, Cancellation);
        await hostA.WriteAsync(exposed.Device, "marker", marker);

        var commit = new DiskSettlement(exposed.ExposeId, key, Commit: true, FsUsageBytes: null);
        var cut = await Assert.ThrowsAsync<ExternalCallException>(() => hostA.Client().SettleAsync(commit, Cancellation));
        Assert.Equal(137, await hostA.Agent.WaitForExitAsync(Cancellation));
        Assert.True(cut.Kind is ExternalErrorKind.Interrupted or ExternalErrorKind.Unavailable, cut.Message);

        await hostA.StartAsync();
        await hostA.Client().SettleAsync(commit, Cancellation);

        var generation = Assert.Single((await KeyStateAsync(ns, key)).GetProperty("generations").EnumerateArray());
        Assert.Equal(exposed.ExposeId, generation.GetProperty("exposeId").GetString());
        Assert.Empty(await ExposuresAsync(ns));
        using var clientB = hostB.Client();
        var next = await clientB.ExposeAsync(key, Cancellation);
        Assert.Equal(marker, await hostB.ReadAsync(next.Device, "marker"));
        await clientB.SettleAsync(new DiskSettlement(next.ExposeId, key, Commit: false, FsUsageBytes: null), Cancellation);
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
