namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// The tests that run on the throwaway Ceph cluster: one collection, so the cluster starts once per test run (only
/// when one of them runs) and they take turns on the machine's two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CephClusterGroup : ICollectionFixture<CephClusterFixture>
{
    public const string Name = "ceph";
}
