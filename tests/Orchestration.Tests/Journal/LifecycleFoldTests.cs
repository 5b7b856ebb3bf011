using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Tests.Lifecycle;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Journal;

public sealed class LifecycleFoldTests
{
    [Fact]
    public async Task Fold_rejects_a_sequence_that_goes_backwards()
    {
        var records = await RecordsToAsync(LifecycleState.Starting);

        var ex = Assert.Throws<JournalFormatException>(() =>
            LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), [records[0], records[1], records[2], records[1]]));

        Assert.Equal(records[1].Seq, ex.Sequence);
        Assert.Contains("backwards", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fold_rejects_a_journal_with_a_missing_record()
    {
        var records = await RecordsToAsync(LifecycleState.Starting);

        var ex = Assert.Throws<JournalFormatException>(() =>
            LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), [records[0], records[2]]));

        Assert.Equal(records[2].Seq, ex.Sequence);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fold_rejects_a_repeated_sequence()
    {
        var records = await RecordsToAsync(LifecycleState.Mounting);

        var ex = Assert.Throws<JournalFormatException>(() =>
            LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), [records[0], records[0]]));

        Assert.Equal(records[0].Seq, ex.Sequence);
    }

    [Fact]
    public async Task Fold_rejects_a_record_already_folded_into_the_snapshot_it_continues()
    {
        var records = await RecordsToAsync(LifecycleState.Starting);
        var snapshot = LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), records);

        Assert.Throws<JournalFormatException>(() => LifecycleFold.Apply(snapshot, records[^1]));
    }

    [Fact]
    public async Task Fold_rejects_a_record_written_by_a_newer_schema_version()
    {
        var records = await RecordsToAsync(LifecycleState.Starting);
        var newer = records[1] with { V = JournalRecord.CurrentVersion + 1 };

        var ex = Assert.Throws<JournalFormatException>(() =>
            LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), [records[0], newer, .. records.Skip(2)]));

        Assert.Equal(newer.Seq, ex.Sequence);
        Assert.Contains($"v{JournalRecord.CurrentVersion + 1}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fold_takes_each_records_time_and_sequence()
    {
        var records = await RecordsToAsync(LifecycleState.Building);

        var snapshot = LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), records);

        Assert.Equal(records[^1].Seq, snapshot.Sequence);
        Assert.Equal(records[^1].Ts, snapshot.UpdatedAt);
        Assert.Equal(LifecycleState.Building, snapshot.State);
        Assert.Equal(records.Single(r => r.Type == nameof(BuildStarted)).Ts, snapshot.FindBuild(TestEvents.RunningBuildId)?.StartedAt);
    }

    [Fact]
    public async Task Fold_in_pieces_equals_fold_in_one_go()
    {
        var records = await RecordsToAsync(LifecycleState.Done);
        var initial = LifecycleSnapshot.Initial(TestSessions.Owner);

        var whole = LifecycleFold.Fold(initial, records);
        var pieces = records.Chunk(3).Aggregate(initial, LifecycleFold.Fold);

        Assert.Equal(SnapshotText.Of(whole), SnapshotText.Of(pieces));
        Assert.NotNull(whole.Decision);
    }

    [Fact]
    public async Task A_fold_that_ends_on_effect_records_stands_at_the_last_ones_sequence_and_time()
    {
        var records = await RecordsToAsync(LifecycleState.Ready);
        var effects = Effects(after: records[^1], count: 3);

        var snapshot = LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), [.. records, .. effects]);
        var stepwise = effects.Aggregate(LifecycleFold.Fold(LifecycleSnapshot.Initial(TestSessions.Owner), records), LifecycleFold.Apply);

        Assert.Equal((effects[^1].Seq, effects[^1].Ts), (snapshot.Sequence, snapshot.UpdatedAt));
        Assert.Equal(SnapshotText.Of(stepwise), SnapshotText.Of(snapshot));
        Assert.Equal(LifecycleState.Ready, snapshot.State);
    }

    [Fact]
    public async Task Folding_effect_records_allocates_no_snapshot_for_each_of_them()
    {
        const int count = 1_000;
        var records = await RecordsToAsync(LifecycleState.Ready);
        IReadOnlyList<JournalRecord> journal = [.. records, .. Effects(after: records[^1], count)];
        var initial = LifecycleSnapshot.Initial(TestSessions.Owner);
        _ = LifecycleFold.Fold(initial, journal);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var snapshot = LifecycleFold.Fold(initial, journal);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A snapshot is about 200 bytes: a copy for each effect record would be some 200 KB here.
        Assert.True(allocated < 16 * 1024, $"folding {journal.Count} records ({count} of them effects) allocated {allocated} bytes");
        Assert.Equal(journal[^1].Seq, snapshot.Sequence);
    }

    // Effect records that continue a journal after its record <paramref name="after"/>, a millisecond apart.
    private static List<JournalRecord> Effects(JournalRecord after, int count)
    {
        using var payload = System.Text.Json.JsonDocument.Parse("""{"port":"buildkitd","method":"probe","arguments":{},"outcome":"Succeeded","durationMs":1}""");
        var facts = payload.RootElement.Clone();
        return [.. Enumerable.Range(1, count).Select(i => new JournalRecord(
            JournalRecord.CurrentVersion, after.Seq + i, after.Ts.AddMilliseconds(i), after.Session, JournalRecordKind.Effect, "buildkitd.probe", facts))];
    }

    private static async Task<IReadOnlyList<JournalRecord>> RecordsToAsync(LifecycleState state)
    {
        var harness = await CanonicalStates.ReachAsync(state, TestContext.Current.CancellationToken);
        return harness.Store.Records;
    }
}
