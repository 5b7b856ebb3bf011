using Blacksmith.Infrastructure.Journal;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>
/// How often an append asks the disk: each record is flushed once, and a new journal's name once. Counted with strace on
/// a writer process, so what is counted is what the kernel was asked.
/// </summary>
public sealed class JournalFileFsyncTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Appends_to_a_new_journal_flush_each_record_once_and_the_directory_once()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        const int appends = 3;
        var jobDir = _temp.Sub("job");
        var trace = Path.Combine(_temp.Path, "fsync.strace");

        using (var writer = JournalWriterProcesses.StartTraced(trace, "fsync,fdatasync", jobDir, writer: 1, count: appends))
        {
            var stderr = writer.StandardError.ReadToEndAsync(Ct);
            await writer.WaitForExitAsync(Ct);
            Assert.True(writer.ExitCode == 0, $"the traced writer exited with {writer.ExitCode}: {await stderr}");
        }

        // strace -y names each descriptor's file: fsync(5</tmp/…/job/journal.jsonl>) = 0.
        var flushes = (await File.ReadAllLinesAsync(trace, Ct)).Where(l => l.Contains("sync(", StringComparison.Ordinal)).ToList();
        var journal = Path.Combine(jobDir, JournalFile.JournalFileName);
        Assert.Equal(appends, flushes.Count(l => l.Contains($"<{journal}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_journal_that_creates_its_job_directory_flushes_the_parent_once_and_later_appends_flush_no_directory()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        var jobDir = _temp.Sub("job");
        var first = await TraceWriterAsync(jobDir, writer: 1, count: 2);

        // Without the parent's flush a power loss can take the new job directory, and the journal in it, away although
        // every append returned.
        var journal = Path.Combine(jobDir, JournalFile.JournalFileName);
        Assert.Equal(1, first.Count(l => l.Contains($"<{_temp.Path}>", StringComparison.Ordinal)));
        Assert.Equal(2, first.Count(l => l.Contains($"<{journal}>", StringComparison.Ordinal)));

        var later = await TraceWriterAsync(jobDir, writer: 2, count: 2);
        Assert.Equal(0, later.Count(l => l.Contains($"<{_temp.Path}>", StringComparison.Ordinal)));
        Assert.Equal(0, later.Count(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)));
        Assert.Equal(2, later.Count(l => l.Contains($"<{journal}>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_job_directory_a_host_prepares_is_flushed_into_its_parent_once_by_the_first_append_after_the_journal()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        var jobDir = _temp.Sub("job");

        var flushes = await TraceWriterAsync(jobDir, writer: 1, count: 1, "--prepare");

        Assert.Equal(1, flushes.Count(l => l.Contains($"<{_temp.Path}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)));
        AssertParentFlushedLast(flushes, jobDir);
    }

    [Fact]
    public async Task A_journal_that_creates_its_job_directory_flushes_the_parent_after_the_journal()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        var jobDir = _temp.Sub("job");

        var flushes = await TraceWriterAsync(jobDir, writer: 1, count: 1);

        AssertParentFlushedLast(flushes, jobDir);
    }

    [Fact]
    public async Task New_directories_above_the_job_directory_are_flushed_into_their_parents()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        var above = Path.Combine(_temp.Path, "runner-temp", "blacksmith");
        var jobDir = Path.Combine(above, "job");

        var flushes = await TraceWriterAsync(jobDir, writer: 1, count: 1, "--prepare");

        // Each directory that gained an entry, once: the temp directory (runner-temp), runner-temp (blacksmith) and
        // blacksmith (the job directory, after the journal).
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{_temp.Path}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{Path.GetDirectoryName(above)}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{above}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The job directory's entry is flushed after the journal and the journal's entry: the journal's flush commits the
    /// new directory's entry with it, so the parent's flush has nothing left to write (flushed first, it cost a disk
    /// commit of its own).
    /// </summary>
    private static void AssertParentFlushedLast(List<string> flushes, string jobDir)
    {
        var journal = Path.Combine(jobDir, JournalFile.JournalFileName);
        var parent = flushes.FindIndex(l => l.Contains($"<{Path.GetDirectoryName(jobDir)}>", StringComparison.Ordinal));
        Assert.True(parent >= 0, $"the job directory's parent was not flushed: {string.Join(" | ", flushes)}");
        Assert.True(
            parent > flushes.FindIndex(l => l.Contains($"<{journal}>", StringComparison.Ordinal))
            && parent > flushes.FindIndex(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)),
            $"the job directory's parent was flushed before the journal and its entry: {string.Join(" | ", flushes)}");
    }

    /// <summary>The fsync and fdatasync calls one writer process made, as strace -y wrote them.</summary>
    private async Task<List<string>> TraceWriterAsync(string jobDir, int writer, int count, params string[] flags)
    {
        var trace = Path.Combine(_temp.Path, $"fsync-{writer}.strace");
        using (var process = JournalWriterProcesses.StartTraced(trace, "fsync,fdatasync", jobDir, writer, count, flags))
        {
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.True(process.ExitCode == 0, $"the traced writer exited with {process.ExitCode}: {await stderr}");
        }

        return (await File.ReadAllLinesAsync(trace, Ct)).Where(l => l.Contains("sync(", StringComparison.Ordinal)).ToList();
    }

    private static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
