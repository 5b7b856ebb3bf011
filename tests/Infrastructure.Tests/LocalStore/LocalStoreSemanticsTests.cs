using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.BlockDevices;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>
/// What the local store promises, the same in both modes: run once on loop devices and once on directories by the two
/// derived classes. Content is random and checked by SHA-256 hashes of what the store keeps.
/// </summary>
public abstract class LocalStoreSemanticsTests
{
    private const string Key = "acme/widgets";

    public static TheoryData<string> CommitSteps => [.. Steps("Commit")];

    public static TheoryData<string> ExposeAndReleaseSteps => [.. Steps("Expose"), .. Steps("Release")];

    private protected abstract LocalStoreMode Mode { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_committed_disk_is_what_the_next_expose_starts_from()
    {
        await using var h = Harness();
        using var store = h.Store();
        await store.UpAsync(Ct);

        var committed = await h.CommitNewAsync(store, Key);
        var next = await store.ExposeAsync(Key, Ct);

        Assert.Equal(committed, h.HashOfDisk(next));
        Assert.Equal([committed], h.GenerationHashes(Key));
        Assert.Equal("exp-1", Assert.Single(h.Generations(Key)).ExposeId);
        await store.SettleAsync(new DiskSettlement(next.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task A_released_disk_leaves_the_key_as_it_was_and_nothing_behind()
    {
        await using var h = Harness();
        using var store = h.Store();
        var committed = await h.CommitNewAsync(store, Key);

        var disk = await store.ExposeAsync(Key, Ct);
        await h.WriteAsync(disk);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);

        Assert.Equal([committed], h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Each_key_keeps_the_configured_number_of_generations_newest_last()
    {
        await using var h = Harness();
        using var store = h.Store(h.Options() with { GenerationsKept = 2 });

        var hashes = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            hashes.Add(await h.CommitNewAsync(store, Key));
        }

        Assert.Equal([3L, 4L], h.Generations(Key).Select(g => g.Number));
        Assert.Equal(hashes[2..], h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Concurrent_exposes_of_one_key_get_their_own_clones_and_the_last_commit_wins()
    {
        await using var h = Harness();
        using var store = h.Store();
        using var other = h.Store();
        var first = await h.CommitNewAsync(store, Key);

        var exposed = await Task.WhenAll(store.ExposeAsync(Key, Ct), other.ExposeAsync(Key, Ct));
        var (early, late) = (exposed[0], exposed[1]);
        Assert.NotEqual(early.Device, late.Device);
        Assert.Equal(first, h.HashOfDisk(early));
        Assert.Equal(first, h.HashOfDisk(late));
        var earlyContent = await h.WriteAsync(early);
        var lateContent = await h.WriteAsync(late);
        Assert.NotEqual(earlyContent, lateContent);

        // The exposure made later commits first; the one made earlier commits last, and wins.
        await other.SettleAsync(new DiskSettlement(late.ExposeId, Key, Commit: true, null), Ct);
        await store.SettleAsync(new DiskSettlement(early.ExposeId, Key, Commit: true, null), Ct);

        Assert.Equal([lateContent, earlyContent], h.GenerationHashes(Key));
        var next = await store.ExposeAsync(Key, Ct);
        Assert.Equal(earlyContent, h.HashOfDisk(next));
        await store.SettleAsync(new DiskSettlement(next.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task A_settlement_that_changes_nothing_says_why_instead_of_claiming_it_was_done()
    {
        await using var h = Harness();
        using var store = h.Store();
        var disk = await store.ExposeAsync(Key, Ct);

        var committed = await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        var again = await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        var releasedAfter = await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);
        var unknown = await store.SettleAsync(new DiskSettlement("never-exposed", Key, Commit: false, null), Ct);

        Assert.Equal(
            (SettleOutcome.Applied, SettleOutcome.AlreadyCommitted, SettleOutcome.AlreadyCommitted, SettleOutcome.NotHeld),
            (committed, again, releasedAfter, unknown));
        Assert.Single(h.GenerationHashes(Key));
    }

    [Theory]
    [MemberData(nameof(CommitSteps))]
    public async Task A_crash_after_any_commit_step_keeps_the_previous_generation_and_the_next_start_finishes_the_commit(string step)
    {
        await using var h = Harness();
        using var store = h.Store();
        var previous = await h.CommitNewAsync(store, Key);
        var crashing = h.Store(fault: SimulatedCrashException.After(Enum.Parse<StoreStep>(step)));
        var disk = await crashing.ExposeAsync(Key, Ct);
        var content = await h.WriteAsync(disk);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct));
        crashing.Dispose();
        Assert.Equal(previous, h.HashOfGeneration(Key, 1));

        using var restarted = h.Store();
        await restarted.UpAsync(Ct);

        Assert.Equal([previous, content], h.GenerationHashes(Key));
        h.AssertNothingLeft();

        // The job's post, resumed, sends its commit again: it is already done, and accepted as such.
        await restarted.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        Assert.Equal([previous, content], h.GenerationHashes(Key));
    }

    [Theory]
    [MemberData(nameof(CommitSteps))]
    public async Task A_commit_cut_off_by_a_machine_restart_is_published_only_if_it_was_before_the_restart(string step)
    {
        await using var h = Harness();
        using var store = h.Store();
        var previous = await h.CommitNewAsync(store, Key);
        var crashStep = Enum.Parse<StoreStep>(step);
        var crashing = h.Store(fault: SimulatedCrashException.After(crashStep));
        var disk = await crashing.ExposeAsync(Key, Ct);
        var content = await h.WriteAsync(disk);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct));
        crashing.Dispose();
        if (h.HasRecord(disk.ExposeId))
        {
            h.PretendRecordIsFromAnEarlierBoot(disk.ExposeId);
        }

        using var restarted = h.Store();
        await restarted.UpAsync(Ct);

        // Before the rename the clone may have lost writes with the page cache, so it is dropped; after it, the
        // generation was complete on disk (fsynced before the rename) and stays.
        IReadOnlyList<string> expected = crashStep < StoreStep.CommitPublished ? [previous] : [previous, content];
        Assert.Equal(expected, h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    [Theory]
    [MemberData(nameof(ExposeAndReleaseSteps))]
    public async Task A_crash_during_an_expose_or_a_release_leaves_nothing_after_the_next_start(string step)
    {
        await using var h = Harness();
        using var store = h.Store();
        var previous = await h.CommitNewAsync(store, Key);
        var crashStep = Enum.Parse<StoreStep>(step);
        var crashing = h.Store(fault: SimulatedCrashException.After(crashStep));

        if (crashStep < StoreStep.CommitMarked)
        {
            await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.ExposeAsync(Key, Ct));
        }
        else
        {
            var disk = await crashing.ExposeAsync(Key, Ct);
            await h.WriteAsync(disk);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct));
        }

        crashing.Dispose();
        using var restarted = h.Store();
        await restarted.UpAsync(Ct);

        Assert.Equal([previous], h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task An_interrupted_commit_of_a_store_still_alive_is_left_to_it_and_recovered_once_it_is_gone()
    {
        await using var h = Harness();
        using var store = h.Store();
        var previous = await h.CommitNewAsync(store, Key);
        var stalled = h.Store(fault: SimulatedCrashException.After(StoreStep.CommitSynced));
        var disk = await stalled.ExposeAsync(Key, Ct);
        var content = await h.WriteAsync(disk);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => stalled.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct));

        // Its owner is alive (not disposed): another store must not take over its half-done commit.
        using (var other = h.Store())
        {
            await other.UpAsync(Ct);
        }

        Assert.True(h.HasRecord(disk.ExposeId));
        Assert.Equal([previous], h.GenerationHashes(Key));

        stalled.Dispose();
        using var restarted = h.Store();
        await restarted.UpAsync(Ct);
        Assert.Equal([previous, content], h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task An_exposure_handed_out_before_a_machine_restart_is_discarded_on_start()
    {
        await using var h = Harness();
        using var store = h.Store();
        var previous = await h.CommitNewAsync(store, Key);
        var disk = await store.ExposeAsync(Key, Ct);
        await h.WriteAsync(disk);
        h.PretendRecordIsFromAnEarlierBoot(disk.ExposeId);

        using var restarted = h.Store();
        await restarted.UpAsync(Ct);

        Assert.Equal([previous], h.GenerationHashes(Key));
        h.AssertNothingLeft();
        var late = await Assert.ThrowsAsync<ExternalCallException>(
            () => restarted.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct));
        Assert.Contains("unknown", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exposure_handed_out_in_this_boot_survives_a_restart_of_the_store_and_can_still_be_committed()
    {
        await using var h = Harness();
        var setup = h.Store();
        await setup.UpAsync(Ct);
        var disk = await setup.ExposeAsync(Key, Ct);
        var content = await h.WriteAsync(disk);
        setup.Dispose();

        // The embedded store: setup's process has exited; post's is a new one.
        using var post = h.Store();
        await post.UpAsync(Ct);
        await post.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, 1234), Ct);

        Assert.Equal([content], h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task The_least_recently_used_keys_are_evicted_to_stay_under_the_size_cap()
    {
        await using var h = Harness();
        var time = new VirtualTime(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var store = h.Store(h.Options() with { GenerationsKept = 1, TotalSizeCapBytes = 5 * LocalStoreHarness.MiB / 2 }, time: time);
        await h.CommitNewAsync(store, "a", LocalStoreHarness.MiB);
        time.Advance(TimeSpan.FromHours(1));
        await h.CommitNewAsync(store, "b", LocalStoreHarness.MiB);
        time.Advance(TimeSpan.FromHours(1));
        var touch = await store.ExposeAsync("a", Ct);
        await store.SettleAsync(new DiskSettlement(touch.ExposeId, "a", Commit: false, null), Ct);
        time.Advance(TimeSpan.FromHours(1));

        await h.CommitNewAsync(store, "c", LocalStoreHarness.MiB);

        Assert.NotEmpty(h.Generations("a"));
        Assert.Empty(h.Generations("b"));
        Assert.NotEmpty(h.Generations("c"));
        Assert.Contains(h.Log.Messages, m => m.StartsWith("Evicted key b ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Settling_twice_or_settling_what_the_store_does_not_know_is_answered_plainly()
    {
        await using var h = Harness();
        using var store = h.Store();
        var disk = await store.ExposeAsync(Key, Ct);
        await h.WriteAsync(disk);

        var wrongKey = await Assert.ThrowsAsync<ExternalCallException>(
            () => store.SettleAsync(new DiskSettlement(disk.ExposeId, "other/key", Commit: true, null), Ct));
        Assert.Contains("belongs to key 'acme/widgets'", wrongKey.Message, StringComparison.Ordinal);

        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        Assert.Single(h.Generations(Key));

        await store.SettleAsync(new DiskSettlement("never-exposed", Key, Commit: false, null), Ct);
        var unknown = await Assert.ThrowsAsync<ExternalCallException>(
            () => store.SettleAsync(new DiskSettlement("never-exposed", Key, Commit: true, null), Ct));
        Assert.Equal(ExternalErrorKind.Failed, unknown.Kind);
        Assert.Contains("exposure never-exposed is unknown", unknown.Message, StringComparison.Ordinal);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task A_full_data_directory_fails_the_expose_clearly_and_loses_nothing_committed()
    {
        SkipUnlessRoot("mounting a small tmpfs as the data directory needs root");
        await using var h = Harness();
        h.UseDataDirectory(Path.Combine(await h.MountTmpfsAsync(24 * LocalStoreHarness.MiB), "data"));
        using var store = h.Store(h.Options() with { DiskSizeBytes = 16 * LocalStoreHarness.MiB });
        var committed = await h.CommitNewAsync(store, Key, 14 * LocalStoreHarness.MiB);

        var full = await Assert.ThrowsAsync<ExternalCallException>(() => store.ExposeAsync(Key, Ct));

        Assert.Equal(ExternalErrorKind.Failed, full.Kind);
        Assert.Contains("is full", full.Message, StringComparison.Ordinal);
        Assert.Contains("Every committed generation is intact", full.Message, StringComparison.Ordinal);
        Assert.Equal([committed], h.GenerationHashes(Key));
        h.AssertNothingLeft();
    }

    private protected abstract void SkipUnlessSupported();

    private protected LocalStoreHarness Harness()
    {
        SkipUnlessSupported();
        return new LocalStoreHarness(Mode, seed: 42);
    }

    private protected static void SkipUnlessRoot(string why)
    {
        var euid = Libc.GetEffectiveUserId();
        if (euid != 0 && !LoopDeviceSupport.Required)
        {
            Assert.Skip($"{why}; this is euid {euid}");
        }
    }

    private static IEnumerable<string> Steps(string prefix) =>
        Enum.GetNames<StoreStep>().Where(n => n.StartsWith(prefix, StringComparison.Ordinal));
}
