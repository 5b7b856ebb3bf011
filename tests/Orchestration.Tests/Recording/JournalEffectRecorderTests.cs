using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Orchestration.Tests.Recording;

public sealed class JournalEffectRecorderTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static EffectRecord Effect => new("blockdevice", "sync", new Dictionary<string, string> { ["mountPoint"] = "/var/lib/buildkit" }, EffectOutcome.Succeeded, 3);

    [Fact]
    public async Task An_effect_is_appended_under_the_current_scope_session()
    {
        var store = new InMemoryJournalStore();
        var recorder = new JournalEffectRecorder(new LifecycleJournal(store, TimeProvider.System, NullLogger<LifecycleJournal>.Instance), NullLogger<JournalEffectRecorder>.Instance);

        using (EffectScope.Enter("post-7"))
        {
            await recorder.RecordAsync(Effect, Ct);
        }

        await recorder.RecordAsync(Effect, Ct);

        Assert.Equal(
            [("post-7", "blockdevice.sync"), (EffectScope.Unscoped, "blockdevice.sync")],
            store.Records.Select(r => (r.Session, r.Type)));
        Assert.All(store.Records, r => Assert.Equal(JournalRecordKind.Effect, r.Kind));
    }

    [Fact]
    public async Task A_journal_that_cannot_be_written_does_not_fail_the_effect_it_records()
    {
        var recorder = new JournalEffectRecorder(
            new LifecycleJournal(new InMemoryJournalStore { Failure = new IOException("disk full") }, TimeProvider.System, NullLogger<LifecycleJournal>.Instance),
            NullLogger<JournalEffectRecorder>.Instance);

        await recorder.RecordAsync(Effect, Ct);
    }
}
