using System.Runtime.Versioning;
using System.Text;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Infrastructure.Tests.Journal;

public sealed class JournalFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _jobDir;

    public JournalFileTests()
    {
        _jobDir = _temp.Sub("job");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Reading_a_job_that_never_appended_returns_no_records_and_creates_nothing()
    {
        var journal = new JournalFile(_jobDir);

        var read = await journal.ReadAsync(0, Ct);

        Assert.Empty(read.Records);
        Assert.Empty(read.Warnings);
        Assert.False(Directory.Exists(_jobDir));
    }

    [Fact]
    public async Task An_empty_journal_file_reads_as_no_records()
    {
        Directory.CreateDirectory(_jobDir);
        await File.WriteAllBytesAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), [], Ct);

        var read = await new JournalFile(_jobDir).ReadAsync(0, Ct);

        Assert.Empty(read.Records);
        Assert.Empty(read.Warnings);
    }

    [Fact]
    public async Task An_empty_journal_file_gets_its_first_record_as_sequence_one()
    {
        Directory.CreateDirectory(_jobDir);
        await File.WriteAllBytesAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), [], Ct);

        var append = await new JournalFile(_jobDir).AppendAsync(0, _ => new JournalDrafts(1).Take(1), Ct);

        Assert.Equal(1, Assert.Single(append.Appended).Seq);
    }

    [Fact]
    public async Task Append_numbers_records_from_one_without_gaps_across_calls()
    {
        var journal = new JournalFile(_jobDir);
        var drafts = new JournalDrafts(2);

        var first = await journal.AppendAsync(0, _ => drafts.Take(3), Ct);
        var second = await journal.AppendAsync(long.MaxValue, _ => drafts.Take(2), Ct);

        Assert.Equal([1L, 2, 3], first.Appended.Select(r => r.Seq));
        Assert.Equal([4L, 5], second.Appended.Select(r => r.Seq));
        Assert.All(first.Appended.Concat(second.Appended), r => Assert.Equal(JournalRecord.CurrentVersion, r.V));
    }

    [Fact]
    public async Task Appended_records_are_on_disk_for_a_fresh_instance_when_append_returns()
    {
        var drafts = new JournalDrafts(3).Take(25);
        var append = await new JournalFile(_jobDir).AppendAsync(0, _ => drafts, Ct);

        var reread = await new JournalFile(_jobDir).ReadAsync(0, Ct);
        var raw = await File.ReadAllTextAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), Ct);

        Assert.Equal(append.Appended.Select(JournalDrafts.Line), reread.Records.Select(JournalDrafts.Line));
        Assert.Equal(drafts.Select((d, i) => JournalDrafts.Line(d.WithSequence(i + 1))), reread.Records.Select(JournalDrafts.Line));
        Assert.Equal(string.Concat(append.Appended.Select(r => JournalDrafts.Line(r) + "\n")), raw);
        Assert.Empty(reread.Warnings);
    }

    [Fact]
    public async Task Read_returns_only_the_records_after_the_given_sequence()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(4).Take(10), Ct);
        var fresh = new JournalFile(_jobDir);

        Assert.Equal([8L, 9, 10], (await fresh.ReadAsync(7, Ct)).Records.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await fresh.ReadAsync(-5, Ct)).Records.Select(r => r.Seq));
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10], (await fresh.ReadAsync(3, Ct)).Records.Select(r => r.Seq));
        Assert.Empty((await fresh.ReadAsync(10, Ct)).Records);
        Assert.Empty((await fresh.ReadAsync(long.MaxValue, Ct)).Records);
    }

    [Fact]
    public async Task Append_shows_decide_the_records_another_writer_added_since_the_callers_read()
    {
        var mine = new JournalFile(_jobDir);
        var theirs = new JournalFile(_jobDir);
        var drafts = new JournalDrafts(5);
        await mine.AppendAsync(0, _ => drafts.Take(2), Ct);
        await theirs.AppendAsync(long.MaxValue, _ => drafts.Take(3), Ct);
        JournalReadResult? seenByDecide = null;

        var append = await mine.AppendAsync(2, seen =>
        {
            seenByDecide = seen;
            return drafts.Take(1);
        }, Ct);

        Assert.Equal([3L, 4, 5], seenByDecide!.Records.Select(r => r.Seq));
        Assert.Equal([3L, 4, 5], append.Seen.Records.Select(r => r.Seq));
        Assert.Equal(6, Assert.Single(append.Appended).Seq);
    }

    [Fact]
    public async Task An_append_that_decides_nothing_writes_nothing()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(6).Take(2), Ct);

        var append = await journal.AppendAsync(0, _ => [], Ct);

        Assert.Empty(append.Appended);
        Assert.Equal(2, append.Seen.Records.Count);
        Assert.Equal(2, (await new JournalFile(_jobDir).ReadAsync(0, Ct)).Records.Count);
    }

    public static TheoryData<string, JournalDraft> UnreadableDrafts()
    {
        var good = new JournalDrafts(30).Next();
        return new()
        {
            { "no session", good with { Session = "" } },
            { "no type", good with { Type = "" } },
            { "no payload", good with { Payload = default } },
            { "no timestamp", good with { Ts = default } },
            { "an unknown kind", good with { Kind = (JournalRecordKind)42 } },
            { "an unknown kind -1", good with { Kind = (JournalRecordKind)(-1) } },
        };
    }

    [Theory]
    [MemberData(nameof(UnreadableDrafts))]
    public async Task A_batch_with_a_draft_that_reading_would_reject_writes_nothing(string what, JournalDraft bad)
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(31).Take(1), Ct);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await journal.AppendAsync(long.MaxValue, _ => [new JournalDrafts(32).Next(), bad], Ct));

        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.Single((await new JournalFile(_jobDir).ReadAsync(0, Ct)).Records);
    }

    [Fact]
    public async Task A_decide_that_throws_appends_nothing_and_releases_the_lock()
    {
        var journal = new JournalFile(_jobDir, TimeSpan.FromSeconds(5), TimeProvider.System);
        await journal.AppendAsync(0, _ => new JournalDrafts(7).Take(1), Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await journal.AppendAsync(0, _ => throw new InvalidOperationException("refused"), Ct));
        var next = await new JournalFile(_jobDir, TimeSpan.FromSeconds(5), TimeProvider.System)
            .AppendAsync(long.MaxValue, _ => new JournalDrafts(8).Take(1), Ct);

        Assert.Equal(2, Assert.Single(next.Appended).Seq);
    }

    [Fact]
    public async Task Reading_ignores_a_torn_last_line_and_warns_about_it()
    {
        var journal = new JournalFile(_jobDir);
        var written = await journal.AppendAsync(0, _ => new JournalDrafts(9).Take(3), Ct);
        var torn = TornPrefixOf(new JournalDrafts(10).Next().WithSequence(4));
        await AppendRawAsync(torn);

        var read = await new JournalFile(_jobDir).ReadAsync(0, Ct);

        Assert.Equal(written.Appended.Select(JournalDrafts.Line), read.Records.Select(JournalDrafts.Line));
        var warning = Assert.Single(read.Warnings);
        Assert.Contains("unterminated", warning, StringComparison.Ordinal);
        Assert.Contains(JournalFile.JournalFileName, warning, StringComparison.Ordinal);
        Assert.Contains("after record 3", warning, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_jobDir, JournalFile.TornFileName)), "reading must not repair the journal");
    }

    [Fact]
    public async Task A_complete_record_without_its_newline_counts_as_torn()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(11).Take(2), Ct);
        await AppendRawAsync(JournalDrafts.Line(new JournalDrafts(12).Next().WithSequence(3)));

        var read = await new JournalFile(_jobDir).ReadAsync(0, Ct);

        Assert.Equal([1L, 2], read.Records.Select(r => r.Seq));
        Assert.Single(read.Warnings);
    }

    [Fact]
    public async Task Append_moves_a_torn_tail_to_journal_torn_and_continues_the_sequence()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(13).Take(3), Ct);
        var torn = TornPrefixOf(new JournalDrafts(14).Next().WithSequence(4));
        await AppendRawAsync(torn);

        var append = await new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => new JournalDrafts(15).Take(2), Ct);
        var reread = await new JournalFile(_jobDir).ReadAsync(0, Ct);
        var tornFile = await File.ReadAllTextAsync(Path.Combine(_jobDir, JournalFile.TornFileName), Ct);

        Assert.Equal([4L, 5], append.Appended.Select(r => r.Seq));
        Assert.Contains(append.Seen.Warnings, w => w.Contains(JournalFile.TornFileName, StringComparison.Ordinal));
        Assert.Equal([1L, 2, 3, 4, 5], reread.Records.Select(r => r.Seq));
        Assert.Empty(reread.Warnings);
        Assert.Contains(torn, tornFile, StringComparison.Ordinal);
        Assert.Equal(
            string.Concat(reread.Records.Select(r => JournalDrafts.Line(r) + "\n")),
            await File.ReadAllTextAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), Ct));
    }

    [Fact]
    public async Task Torn_tails_from_two_crashes_are_both_kept_in_journal_torn()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(16).Take(1), Ct);
        await AppendRawAsync("{\"v\":1,\"seq\":2,\"first crash");
        await journal.AppendAsync(long.MaxValue, _ => new JournalDrafts(17).Take(1), Ct);
        await AppendRawAsync("{\"v\":1,\"seq\":3,\"second crash");

        var append = await journal.AppendAsync(long.MaxValue, _ => new JournalDrafts(18).Take(1), Ct);
        var tornFile = await File.ReadAllTextAsync(Path.Combine(_jobDir, JournalFile.TornFileName), Ct);

        Assert.Equal(3, Assert.Single(append.Appended).Seq);
        Assert.Contains("first crash", tornFile, StringComparison.Ordinal);
        Assert.Contains("second crash", tornFile, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadLines() => new()
    {
        { "not JSON", "this is not json" },
        { "a JSON array", "[1,2,3]" },
        { "JSON null", "null" },
        { "an empty line", "" },
        { "a record without a session", """{"v":1,"seq":3,"ts":"2025-01-01T00:00:00+00:00","kind":"effect","type":"x.y","payload":{}}""" },
        { "a record without a payload", """{"v":1,"seq":3,"ts":"2025-01-01T00:00:00+00:00","session":"s","kind":"effect","type":"x.y"}""" },
        { "an unknown kind", """{"v":1,"seq":3,"ts":"2025-01-01T00:00:00+00:00","session":"s","kind":"rumour","type":"x.y","payload":{}}""" },
        { "half a record, then a newline", """{"v":1,"seq":3,"ts":"2025-01-01T00:00:00+00:00","sess""" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task A_bad_line_in_the_middle_is_a_format_error_naming_the_line_and_file(string what, string badLine)
    {
        _ = what;
        await WriteLinesAsync(Valid(1), Valid(2), badLine, Valid(4), Valid(5));

        var error = await Assert.ThrowsAsync<JournalFormatException>(async () => await new JournalFile(_jobDir).ReadAsync(0, Ct));

        Assert.Equal(3, error.Sequence);
        Assert.Contains("line 3 of ", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_jobDir, JournalFile.JournalFileName), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_line_in_the_middle_stops_appends_instead_of_dropping_later_records()
    {
        await WriteLinesAsync(Valid(1), "garbage", Valid(3));
        var before = await File.ReadAllBytesAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), Ct);

        var error = await Assert.ThrowsAsync<JournalFormatException>(async () =>
            await new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => new JournalDrafts(19).Take(1), Ct));

        Assert.Equal(2, error.Sequence);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), Ct));
    }

    [Fact]
    public async Task A_bad_last_line_that_ends_in_a_newline_is_an_error_not_a_torn_tail()
    {
        await WriteLinesAsync(Valid(1), Valid(2), "{\"v\":1,\"seq\":3");

        var error = await Assert.ThrowsAsync<JournalFormatException>(async () => await new JournalFile(_jobDir).ReadAsync(0, Ct));

        Assert.Equal(3, error.Sequence);
    }

    [Theory]
    [InlineData(new long[] { 1, 2, 4 }, 3, "missing")]
    [InlineData(new long[] { 1, 2, 2 }, 3, "repeats")]
    [InlineData(new long[] { 1, 2, 3, 1 }, 4, "backwards")]
    [InlineData(new long[] { 2, 3 }, 1, "missing")]
    [InlineData(new long[] { 0, 1 }, 1, "backwards")]
    public async Task A_sequence_that_is_not_one_more_than_the_line_before_is_a_format_error(long[] sequences, long badLine, string problem)
    {
        await WriteLinesAsync([.. sequences.Select(Valid)]);

        var error = await Assert.ThrowsAsync<JournalFormatException>(async () => await new JournalFile(_jobDir).ReadAsync(0, Ct));

        Assert.Equal(badLine, error.Sequence);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sequence_error_in_lines_appended_after_a_cached_read_is_still_found()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(20).Take(3), Ct);
        await journal.ReadAsync(0, Ct);
        await AppendRawAsync(Valid(5) + "\n");

        var error = await Assert.ThrowsAsync<JournalFormatException>(async () => await journal.ReadAsync(long.MaxValue, Ct));

        Assert.Equal(4, error.Sequence);
    }

    [Fact]
    public async Task A_reader_sees_records_another_instance_appended_after_its_last_read()
    {
        var reader = new JournalFile(_jobDir);
        var writer = new JournalFile(_jobDir);
        var drafts = new JournalDrafts(21);
        await writer.AppendAsync(0, _ => drafts.Take(4), Ct);
        Assert.Equal(4, (await reader.ReadAsync(0, Ct)).Records.Count);

        await writer.AppendAsync(long.MaxValue, _ => drafts.Take(3), Ct);

        Assert.Equal([5L, 6, 7], (await reader.ReadAsync(4, Ct)).Records.Select(r => r.Seq));
        Assert.Equal([3L, 4, 5, 6, 7], (await reader.ReadAsync(2, Ct)).Records.Select(r => r.Seq));
        Assert.Equal(7, (await reader.ReadAsync(0, Ct)).Records.Count);
    }

    [Fact]
    public async Task A_journal_replaced_by_a_shorter_one_is_read_again_from_the_start_with_a_warning()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(22).Take(5), Ct);
        await journal.ReadAsync(0, Ct);
        await WriteLinesAsync(Valid(1), Valid(2));

        var read = await journal.ReadAsync(0, Ct);

        Assert.Equal([1L, 2], read.Records.Select(r => r.Seq));
        Assert.Contains(read.Warnings, w => w.Contains("again from the start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_appends_in_one_process_never_collide()
    {
        var shared = new JournalFile(_jobDir);
        var tasks = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            // Half the writers share one instance, half have their own: both must be serialised.
            var journal = writer % 2 == 0 ? shared : new JournalFile(_jobDir);
            var drafts = new JournalDrafts(100 + writer);
            for (var i = 0; i < 25; i++)
            {
                await journal.AppendAsync(long.MaxValue, _ => drafts.Take(2), Ct);
            }
        }, Ct));

        await Task.WhenAll(tasks);
        var read = await new JournalFile(_jobDir).ReadAsync(0, Ct);

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), read.Records.Select(r => r.Seq));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Append_creates_the_job_directory_and_files_private_to_their_owner()
    {
        var nested = Path.Combine(_jobDir, "deeper");

        await new JournalFile(nested).AppendAsync(0, _ => new JournalDrafts(23).Take(1), Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(nested));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(nested, JournalFile.JournalFileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(nested, JournalFile.LockFileName)));
    }

    [Fact]
    public async Task Records_appended_through_the_file_round_trip_exactly()
    {
        var drafts = new JournalDrafts(24).Take(50);
        await new JournalFile(_jobDir).AppendAsync(0, _ => drafts, Ct);

        var read = await new JournalFile(_jobDir).ReadAsync(0, Ct);

        Assert.Equal(drafts.Select(d => d.Ts), read.Records.Select(r => r.Ts));
        Assert.Equal(drafts.Select(d => d.Session), read.Records.Select(r => r.Session));
        Assert.Equal(drafts.Select(d => d.Kind), read.Records.Select(r => r.Kind));
        Assert.Equal(drafts.Select(d => d.Payload.GetRawText()), read.Records.Select(r => r.Payload.GetRawText()));
    }

    private static string Valid(long seq) => JournalDrafts.Line(new JournalDrafts((int)seq + 1000).Next().WithSequence(seq));

    // What a writer killed mid-write leaves: the start of a line, no newline.
    private static string TornPrefixOf(JournalRecord record)
    {
        var line = JournalDrafts.Line(record);
        return line[..(line.Length / 2)];
    }

    private async Task WriteLinesAsync(params string[] lines)
    {
        Directory.CreateDirectory(_jobDir);
        await File.WriteAllTextAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false), Ct);
    }

    private async Task AppendRawAsync(string text) =>
        await File.AppendAllTextAsync(Path.Combine(_jobDir, JournalFile.JournalFileName), text, new UTF8Encoding(false), Ct);
}
