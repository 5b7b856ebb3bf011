using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>What <c>blacksmith store ls|rm|gc</c> do, on a directory-mode store (no root needed).</summary>
public sealed class LocalStoreAdminTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Listing_shows_each_key_with_its_generations_sizes_last_use_and_live_exposures()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        var time = new VirtualTime(Start);
        using var store = h.Store(time: time);
        await h.CommitNewAsync(store, "acme/widgets", LocalStoreHarness.MiB);
        time.Advance(TimeSpan.FromHours(1));
        await h.CommitNewAsync(store, "acme/widgets", LocalStoreHarness.MiB);
        time.Advance(TimeSpan.FromHours(1));
        await h.CommitNewAsync(store, "other", LocalStoreHarness.MiB / 2);
        time.Advance(TimeSpan.FromHours(1));
        var live = await store.ExposeAsync("other", Ct);

        var listing = await h.Admin().ListAsync(Ct);

        Assert.True(listing.Exists);
        Assert.Equal(LocalStoreMode.Directory, listing.Mode);
        Assert.Equal(["acme/widgets", "other"], listing.Keys.Select(k => k.Key));
        var widgets = listing.Keys[0];
        Assert.Equal([1L, 2L], widgets.Generations.Select(g => g.Number));
        // Each generation is the last one plus what the job added: 1 MiB, then 2.
        Assert.InRange(widgets.Generations[0].SizeBytes, LocalStoreHarness.MiB, 3 * LocalStoreHarness.MiB / 2);
        Assert.InRange(widgets.Generations[1].SizeBytes, 2 * LocalStoreHarness.MiB, 5 * LocalStoreHarness.MiB / 2);
        Assert.Equal(Start.AddHours(1), widgets.LastUsed);
        Assert.Equal(Start.AddHours(1), widgets.LastCommitted);
        Assert.Equal(LocalStoreHarness.MiB, widgets.FsUsageBytes);
        Assert.Equal(0, widgets.LiveExposures);
        var other = listing.Keys[1];
        Assert.Equal(Start.AddHours(3), other.LastUsed);
        Assert.Equal(1, other.LiveExposures);
        var exposure = Assert.Single(listing.Exposures);
        Assert.Equal((live.ExposeId, "other", ExposureState.Exposed, live.Device, CloneMethod.TreeCopy, 1L),
            (exposure.ExposeId, exposure.Key, exposure.State, exposure.Device, exposure.Method, exposure.BaseGeneration));
        Assert.Equal(listing.Keys.Sum(k => k.SizeBytes), listing.SizeBytes);
    }

    [Fact]
    public async Task Listing_a_data_directory_without_a_store_creates_nothing()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);

        var listing = await h.Admin().ListAsync(Ct);
        var gc = await h.Admin().CollectGarbageAsync(TimeSpan.FromDays(1), Ct);

        Assert.False(listing.Exists);
        Assert.Empty(listing.Keys);
        Assert.Equal(0, gc.ExposuresRecovered);
        Assert.False(Directory.Exists(h.DataDirectory));
        Assert.False(await h.Admin().RemoveAsync("acme/widgets", Ct));
    }

    [Fact]
    public async Task Removing_a_key_deletes_its_generations_and_its_next_expose_starts_blank()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        using var store = h.Store();
        await h.CommitNewAsync(store, "acme/widgets");
        var kept = await h.CommitNewAsync(store, "other");

        Assert.True(await h.Admin().RemoveAsync("acme/widgets", Ct));
        Assert.False(await h.Admin().RemoveAsync("acme/widgets", Ct));

        Assert.Empty(h.Generations("acme/widgets"));
        Assert.Equal([kept], h.GenerationHashes("other"));
        var next = await store.ExposeAsync("acme/widgets", Ct);
        Assert.Empty(Directory.EnumerateFileSystemEntries(next.Device));
    }

    [Fact]
    public async Task Gc_prunes_to_a_lowered_number_of_generations_and_evicts_down_to_the_cap()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        var time = new VirtualTime(Start);
        using (var store = h.Store(h.Options() with { GenerationsKept = 3 }, time: time))
        {
            foreach (var key in new[] { "old", "new" })
            {
                for (var i = 0; i < 3; i++)
                {
                    await h.CommitNewAsync(store, key, LocalStoreHarness.MiB);
                    time.Advance(TimeSpan.FromMinutes(10));
                }
            }
        }

        // Each generation holds its predecessor's files plus 1 MiB: the newest of each key is 3 MiB.
        var admin = h.Admin(h.Options() with { GenerationsKept = 1, TotalSizeCapBytes = 4 * LocalStoreHarness.MiB }, time);
        var report = await admin.CollectGarbageAsync(null, Ct);

        Assert.Equal(4, report.GenerationsPruned);
        Assert.Equal(["old"], report.KeysEvicted);
        // Pruned: 1 + 2 MiB of each key; evicted: the 3 MiB of "old".
        Assert.InRange(report.BytesFreed, 9 * LocalStoreHarness.MiB, 10 * LocalStoreHarness.MiB);
        Assert.Empty(h.Generations("old"));
        Assert.Equal([3L], h.Generations("new").Select(g => g.Number));
    }

    [Fact]
    public async Task Gc_discards_exposures_left_unsettled_longer_than_asked_and_keeps_newer_ones()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        var time = new VirtualTime(Start);
        using var store = h.Store(time: time);
        var committed = await h.CommitNewAsync(store, "acme/widgets");
        var abandoned = await store.ExposeAsync("acme/widgets", Ct);
        time.Advance(TimeSpan.FromHours(30));
        var recent = await store.ExposeAsync("acme/widgets", Ct);

        var report = await h.Admin(time: time).CollectGarbageAsync(TimeSpan.FromDays(1), Ct);

        Assert.Equal(1, report.ExposuresRecovered);
        Assert.False(h.HasRecord(abandoned.ExposeId));
        Assert.False(Directory.Exists(abandoned.Device));
        Assert.True(h.HasRecord(recent.ExposeId));
        Assert.Equal([committed], h.GenerationHashes("acme/widgets"));
        await store.SettleAsync(new DiskSettlement(recent.ExposeId, "acme/widgets", Commit: false, null), Ct);
        h.AssertNothingLeft();
    }
}
