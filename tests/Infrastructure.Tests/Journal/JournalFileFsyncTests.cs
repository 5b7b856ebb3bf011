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
    public async Task A_job_directory_a_host_prepares_is_flushed_into_its_parent_once_before_the_first_append()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        var jobDir = _temp.Sub("job");

        var flushes = await TraceWriterAsync(jobDir, writer: 1, count: 1, "--prepare");

        Assert.Equal(1, flushes.Count(l => l.Contains($"<{_temp.Path}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)));
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
