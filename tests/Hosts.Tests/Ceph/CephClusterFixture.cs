using Blacksmith.Testing.Ceph;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>Starts the shared cluster for the <see cref="CephClusterGroup"/> and tears it down after its last test.</summary>
public sealed class CephClusterFixture : IAsyncLifetime
{
    private CephTestCluster? _cluster;

    /// <summary>The cluster; the tests are skipped (<see cref="RequiresCephFactAttribute"/>) where none can run.</summary>
    public CephTestCluster Cluster => _cluster ?? throw new InvalidOperationException($"No Ceph cluster: {CephTestCluster.MissingReason}");

    public async ValueTask InitializeAsync()
    {
        if (CephTestCluster.MissingReason is null)
        {
            _cluster = await CephTestCluster.StartAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
