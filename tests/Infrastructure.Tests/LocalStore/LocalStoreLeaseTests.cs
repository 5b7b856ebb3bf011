using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>The local store's side of leases: what it records and lists, and a release that never races a job's own settlement.</summary>
public sealed class LocalStoreLeaseTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_exposure_is_granted_the_configured_lease_when_handed_out_and_lists_it_while_an_embedded_store_grants_none()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        var time = new VirtualTime(Start);
        using var leased = h.Store(h.Options() with { ExposureLease = TimeSpan.FromHours(6) }, time: time);
        using var embedded = h.Store(time: time);

        var granted = await leased.ExposeAsync("acme/widgets", Ct);
        var plain = await embedded.ExposeAsync("acme/gadgets", Ct);
        var leases = await leased.ListLeasesAsync(Ct);
        var listing = await h.Admin().ListAsync(Ct);

        Assert.Equal(Start.AddHours(6), Assert.Single(leases, l => l.ExposeId == granted.ExposeId).ExpiresAt);
        Assert.Null(Assert.Single(leases, l => l.ExposeId == plain.ExposeId).ExpiresAt);
        Assert.Equal(granted.Device, Assert.Single(leases, l => l.ExposeId == granted.ExposeId).Device);
        Assert.Equal(Start.AddHours(6), Assert.Single(listing.Exposures, e => e.ExposeId == granted.ExposeId).LeaseExpires);
    }

    [Fact]
    public async Task Releasing_an_expired_lease_drops_the_clone_and_commits_nothing_but_leaves_an_exposure_its_job_already_committed()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        using var store = h.Store(h.Options() with { ExposureLease = TimeSpan.FromHours(6) });
        var first = await store.ExposeAsync("acme/widgets", Ct);
        await store.SettleAsync(new DiskSettlement(first.ExposeId, "acme/widgets", Commit: true, null), Ct);
        var abandoned = await store.ExposeAsync("acme/widgets", Ct);
        var committedMeanwhile = await store.ExposeAsync("acme/widgets", Ct);
        var leases = await store.ListLeasesAsync(Ct);
        await store.SettleAsync(new DiskSettlement(committedMeanwhile.ExposeId, "acme/widgets", Commit: true, null), Ct);

        var released = await store.ReleaseExpiredAsync(leases.Single(l => l.ExposeId == abandoned.ExposeId), Ct);
        var late = await store.ReleaseExpiredAsync(leases.Single(l => l.ExposeId == committedMeanwhile.ExposeId), Ct);

        Assert.True(released);
        Assert.False(late);
        Assert.False(Directory.Exists(abandoned.Device));
        var listing = await h.Admin().ListAsync(Ct);
        Assert.Empty(listing.Exposures);
        Assert.Equal([first.ExposeId, committedMeanwhile.ExposeId], Assert.Single(listing.Keys).Generations.Select(g => g.ExposeId));
    }
}
